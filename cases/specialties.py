"""The specialties of a tumour board, and the core ones the quorum rule needs by default."""

from django.db import models


class Specialty(models.TextChoices):
    SURGERY = "surgery", "Surgery"
    MEDICAL_ONCOLOGY = "medical_oncology", "Medical oncology"
    RADIOLOGY = "radiology", "Radiology"
    INTERVENTIONAL_RADIOLOGY = "interventional_radiology", "Interventional radiology"
    PATHOLOGY = "pathology", "Pathology"
    NUCLEAR_MEDICINE = "nuclear_medicine", "Nuclear medicine"
    ENDOCRINOLOGY = "endocrinology", "Endocrinology"
    GASTROENTEROLOGY = "gastroenterology", "Gastroenterology"
    HEPATOLOGY = "hepatology", "Hepatology"
    CARDIOLOGY = "cardiology", "Cardiology"
    SPECIALIST_NURSING = "specialist_nursing", "Specialist nursing"
    COORDINATION = "coordination", "Coordination"


# Issue 5's default quorum; the active GuidelineVersion may change it (admin content).
DEFAULT_QUORUM: tuple[Specialty, ...] = (
    Specialty.SURGERY,
    Specialty.MEDICAL_ONCOLOGY,
    Specialty.RADIOLOGY,
    Specialty.PATHOLOGY,
    Specialty.NUCLEAR_MEDICINE,
)
