"""Patients, and the cases (episodes) they bring to the board with their clinical findings.

Every finding is nullable: null means *unknown* (not yet recorded), which the engine treats differently
from "no". Ranges are enforced by the forms and again by CheckConstraints, so no path (admin, shell,
bulk import) can store an impossible value. The ranges come from the engine (cases/patients/findings.py).
"""

import uuid
from datetime import date
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.pathways.engine.facts import CHROMOGRANIN_A_UNITS, URINE_5HIAA_UNITS
from cases.patients.findings import FACT_OF_FIELD, case_facts, choices_constraint, range_constraint, range_validator


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Patient(models.Model):
    """A person; identified in URLs only by `public_id`, never by the hospital number."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hospital_number = models.CharField(
        "hospital number", max_length=32, unique=True, help_text="The hospital's medical record number (MRN)."
    )
    family_name = models.CharField("family name", max_length=100)
    given_name = models.CharField("given name", max_length=100)
    date_of_birth = models.DateField("date of birth")
    sex = models.CharField(max_length=10, choices=Sex.choices)
    # The name folded for search and sorting (cases/patients/search.py), kept by services.save_patient.
    # PostgreSQL also searches it through a pg_trgm GIN index (migration 0008_patient_search_trigram_index).
    search_name = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who changed what and when (django-simple-history; the request's user via its middleware). The search
    # name is derived from the names, which the history keeps.
    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        ordering = ["family_name", "given_name", "pk"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            # The patient list's order and its keyset pagination (cases/pagination.py).
            models.Index(fields=["search_name", "id"], name="patient_search_name_order"),
        ]
        constraints = [
            # Nobody alive was born before 1900; a typo (e.g. 0196) must not become a patient.
            models.CheckConstraint(condition=Q(date_of_birth__gte=date(1900, 1, 1)), name="patient_dob_plausible"),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="patient_sex_valid"),
            models.CheckConstraint(condition=~Q(hospital_number=""), name="patient_hospital_number_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name} ({self.hospital_number})"

    def get_absolute_url(self) -> str:
        return reverse("patients:patient_detail", kwargs={"public_id": self.public_id})

    def age_on(self, day: date) -> int:
        """Return the age in whole years on DAY."""
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday


class PatientNameWord(models.Model):
    """One word of a patient's search name: on SQLite, which has no trigram index, a typed word's prefix
    is looked up as a range of this table's index (cases/patients/search.py)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="name_words")
    word = models.TextField()

    class Meta:
        # (word, patient): the lookup reads the index alone, never the table.
        constraints = [models.UniqueConstraint(fields=["word", "patient"], name="patient_name_word_once")]

    def __str__(self) -> str:
        return self.word


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    READY = "ready", "Ready for the board"
    DISCUSSED = "discussed", "Discussed"
    CLOSED = "closed", "Closed"


class Site(models.TextChoices):
    DUODENUM = "duodenum", "Duodenum"
    JEJUNUM = "jejunum", "Jejunum"
    ILEUM = "ileum", "Ileum"
    TERMINAL_ILEUM = "terminal_ileum", "Terminal ileum"
    UNKNOWN = "unknown", "Not found (occult primary)"


class Invasion(models.TextChoices):
    LAMINA_PROPRIA = "lamina_propria", "Lamina propria"
    SUBMUCOSA = "submucosa", "Submucosa"
    MUSCULARIS_PROPRIA = "muscularis_propria", "Muscularis propria"
    SUBSEROSA = "subserosa", "Subserosa (without penetrating the serosa)"
    SEROSA = "serosa", "Serosa (visceral peritoneum)"
    ADJACENT_STRUCTURES = "adjacent_structures", "Other organs or adjacent structures"


class Margin(models.TextChoices):
    R0 = "R0", "R0 (no residual tumour)"
    R1 = "R1", "R1 (microscopic residual)"
    R2 = "R2", "R2 (macroscopic residual)"


class Differentiation(models.TextChoices):
    WELL = "well", "Well differentiated (NET)"
    POOR = "poor", "Poorly differentiated (NEC)"


class Ki67Specimen(models.TextChoices):
    BIOPSY = "biopsy", "Biopsy"
    RESECTION = "resection", "Resection specimen"


# The meetings whose agenda sets a case's board day (Case.board_day); the meetings app's MeetingStatus values.
_OPEN_MEETINGS = ("planned", "in_progress")
_NOT_READ = object()

# The units laboratories report in, as the engine names them; a value and its upper limit share one unit.
CHROMOGRANIN_A_UNIT_LABELS = {"ng/mL": "ng/mL (= µg/L)", "nmol/L": "nmol/L", "U/L": "U/L"}
URINE_5HIAA_UNIT_LABELS = {"mg/24h": "mg/24 h", "umol/24h": "µmol/24 h"}
CHROMOGRANIN_A_UNITS_CHOICES = [(unit, CHROMOGRANIN_A_UNIT_LABELS[unit]) for unit in CHROMOGRANIN_A_UNITS]
URINE_5HIAA_UNITS_CHOICES = [(unit, URINE_5HIAA_UNIT_LABELS[unit]) for unit in URINE_5HIAA_UNITS]


class HeartDisease(models.TextChoices):
    NONE = "none", "None"
    MILD = "mild", "Mild"
    ADVANCED = "advanced", "Advanced"


def yes_no(label: str, help_text: str) -> models.BooleanField:
    """Return a finding answered yes / no / unknown (null)."""
    return models.BooleanField(label, null=True, blank=True, help_text=help_text)


def measured(label: str, field_name: str, help_text: str, *, digits: int = 5, places: int = 1):
    """Return a decimal finding whose range comes from the engine's spec for FIELD_NAME."""
    return models.DecimalField(
        label,
        max_digits=digits,
        decimal_places=places,
        null=True,
        blank=True,
        validators=[range_validator(field_name)],
        help_text=help_text,
    )


def counted(label: str, field_name: str, help_text: str):
    """Return a whole-number finding whose range comes from the engine's spec for FIELD_NAME."""
    return models.PositiveIntegerField(
        label, null=True, blank=True, validators=[range_validator(field_name)], help_text=help_text
    )


def chosen(label: str, choices, help_text: str, max_length: int = 24):
    """Return an enumerated finding (null = unknown)."""
    return models.CharField(label, max_length=max_length, choices=choices, null=True, blank=True, help_text=help_text)


def dated(label: str, help_text: str) -> models.DateField:
    """Return the date a step's findings were obtained (null = not recorded)."""
    return models.DateField(label, null=True, blank=True, help_text=help_text)


NUMERIC_FINDINGS = [
    "ecog",
    "nt_probnp_pg_ml",
    "primary_size_cm",
    "mesenteric_mass_cm",
    "mesenteric_stage",
    "liver_lesions",
    "liver_max_diameter_cm",
    "liver_involvement_percent",
    "pci",
    "ki67_percent",
    "mitoses_per_2mm2",
    "positive_nodes",
    "liver_resectable_percent",
    "stable_months",
    "chromogranin_a_value",
    "chromogranin_a_uln",
    "urine_5hiaa_value",
    "urine_5hiaa_uln",
    "nodes_examined",
]
ENUM_FINDINGS = {
    "primary_site": Site.choices,
    "primary_invasion": Invasion.choices,
    "resection_margin": Margin.choices,
    "differentiation": Differentiation.choices,
    "carcinoid_heart_disease": HeartDisease.choices,
    "ki67_specimen": Ki67Specimen.choices,
    "chromogranin_a_unit": CHROMOGRANIN_A_UNITS_CHOICES,
    "urine_5hiaa_unit": URINE_5HIAA_UNITS_CHOICES,
}
FACT_FIELDS = tuple(FACT_OF_FIELD)
# The date each step's findings were obtained (imaging, histology, labs...): the record says when it was known.
DATE_FINDINGS = [
    "assessed_on",
    "labs_date",
    "imaging_date",
    "functional_imaging_date",
    "histology_date",
    "cardiac_date",
    "liver_assessment_date",
]


class Case(models.Model):
    """An episode brought to the board: the question, and the findings the pathway collects.

    `version` is bumped by every save of findings (optimistic locking: a form carries the version it
    was loaded at); `step_versions` records the case version at which each pathway step was last
    saved, so two people editing *different* steps do not conflict, but the same step does.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cases")
    referral_date = models.DateField("referral date")
    referring_clinician = models.CharField("referring clinician", max_length=200)
    question = models.TextField("question for the board", max_length=2000)
    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    step_versions = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # --- 1 presentation -------------------------------------------------------------------------
    assessed_on = dated("date of the clinical assessment", "When the symptoms and fitness below were assessed.")
    symptomatic = yes_no(
        "symptoms from the primary tumour",
        "Pain, obstruction, bleeding or ischaemia caused by the primary or its mesenteric nodes. Symptomatic "
        "patients with metastases should still have the primary and nodes resected (Table II, stage IV 3b).",
    )
    carcinoid_syndrome = yes_no(
        "carcinoid syndrome",
        "Flushing, diarrhoea, wheezing. Evidence or suspicion of the syndrome calls for somatostatin analogue "
        "cover before any surgery or liver-directed therapy to prevent a carcinoid crisis (ref 13, 14, 59).",
    )
    emergency_presentation = yes_no(
        "emergency presentation",
        "Presented as an emergency (obstruction, perforation, bleeding). Early elective surgery aims to "
        "prevent emergency surgery, which carries high morbidity and mortality (ref 9, 30).",
    )
    family_history = yes_no(
        "family history of si-NEN",
        "A family history of small-intestinal NEN argues for an aggressive surgical approach even without "
        "symptoms (ref 86).",
    )
    ecog = counted(
        "ECOG performance status",
        "ecog",
        "0 (fully active) to 4 (bedbound). Performance status weighs in every decision on surgery in "
        "metastatic disease (Table II, stage IV 3c; ref 87).",
    )
    major_comorbidity = yes_no(
        "major comorbidity",
        "Comorbidity that makes major surgery hazardous. Surgery is the standard for fit patients; major "
        "comorbidity excludes liver transplantation (ref 40).",
    )

    # --- 2 biochemistry -------------------------------------------------------------------------
    labs_date = dated("date of the samples", "When the blood and urine samples below were taken.")
    chromogranin_a_measured = yes_no(
        "chromogranin A measured",
        "Serum chromogranin A (CgA) is part of the diagnostic work-up (Figure 1). A value recorded below means "
        "it was measured.",
    )
    chromogranin_a_value = measured(
        "chromogranin A", "chromogranin_a_value", "As the laboratory reported it.", digits=10, places=2
    )
    chromogranin_a_unit = chosen(
        "chromogranin A unit", CHROMOGRANIN_A_UNITS_CHOICES, "Of the value and its upper limit.", 8
    )
    chromogranin_a_uln = measured(
        "chromogranin A upper limit of normal",
        "chromogranin_a_uln",
        "The laboratory's ULN, in the same unit.",
        digits=10,
        places=2,
    )
    chromogranin_a_elevated = yes_no(
        "chromogranin A raised",
        "Above the upper limit of normal. Set from the value and its upper limit when both are recorded; "
        "answer it here when only that is known.",
    )
    urine_5hiaa_measured = yes_no(
        "24-h urine 5-HIAA measured",
        "5-hydroxyindoleacetic acid in a 24-hour urine sample is part of the pre-operative work-up (ref 10). "
        "A value recorded below means it was measured.",
    )
    urine_5hiaa_value = measured(
        "24-h urine 5-HIAA", "urine_5hiaa_value", "As the laboratory reported it.", digits=10, places=2
    )
    urine_5hiaa_unit = chosen(
        "24-h urine 5-HIAA unit", URINE_5HIAA_UNITS_CHOICES, "Of the value and its upper limit.", 8
    )
    urine_5hiaa_uln = measured(
        "24-h urine 5-HIAA upper limit of normal",
        "urine_5hiaa_uln",
        "The laboratory's ULN, in the same unit.",
        digits=10,
        places=2,
    )
    urine_5hiaa_elevated = yes_no(
        "24-h urine 5-HIAA raised",
        "A raised 5-HIAA means a serotonin-secreting tumour: echocardiogram and NT-proBNP are needed and "
        "somatostatin analogue cover before procedures (ref 10, 13). Set from the value and its upper limit "
        "when both are recorded; answer it here when only that is known.",
    )
    nt_probnp_pg_ml = measured(
        "NT-proBNP (pg/mL)",
        "nt_probnp_pg_ml",
        "N-terminal pro B-type natriuretic peptide, screening for carcinoid heart disease (Figure 1).",
        digits=8,
        places=1,
    )

    # --- 3 cross-sectional imaging --------------------------------------------------------------
    imaging_date = dated("date of the CT or MRI", "When the cross-sectional imaging below was done.")
    ct_or_mri_done = yes_no("CT or MRI done", "Cross-sectional imaging is required before surgery (ref 10).")
    primary_site = chosen(
        "primary site",
        Site.choices,
        "Terminal ileal primaries are treated with right hemicolectomy, more proximal ones with small-bowel "
        "resection (Locoregional Enterectomy; ref 14).",
    )
    primary_size_cm = measured(
        "primary tumour size (cm)",
        "primary_size_cm",
        "Largest diameter of the largest primary. More than 1 cm makes it at least T2 (Table I) and argues "
        "against keeping the ileocecal valve (ref 14).",
        digits=3,
    )
    multifocal = yes_no(
        "multifocal primary",
        "About a third of si-NENs are multifocal; for staging the highest T counts (Table I) and the whole "
        "small bowel must be palpated at surgery (ref 19).",
    )
    mesenteric_mass_cm = measured(
        "mesenteric nodal mass (cm)",
        "mesenteric_mass_cm",
        "Largest mesenteric nodal mass; 0 if none. A mass over 2 cm is N2 (Table I) and, in the terminal "
        "ileum, calls for right hemicolectomy (ref 14).",
        digits=3,
    )
    encases_mesenteric_vessels = yes_no(
        "nodes encase the mesenteric vessels",
        "Encasement of the superior mesenteric vessels by nodal masses and fibrosis causes ischaemia, "
        "bleeding and obstruction, and makes optimal lymphadenectomy hard (ref 21, 32).",
    )
    mesenteric_stage = counted(
        "mesenteric nodal stage (1-4)",
        "mesenteric_stage",
        "Extent along the mesenteric root by the four-stage classification of ref 28; stage 4 is considered "
        "not resectable because the remaining bowel's blood supply would be endangered.",
    )
    liver_lesions = counted(
        "number of liver metastases",
        "liver_lesions",
        "0 if none. RFA is limited to fewer than 5 lesions (ref 61).",
    )
    liver_max_diameter_cm = measured(
        "largest liver metastasis (cm)",
        "liver_max_diameter_cm",
        "Largest diameter. RFA needs lesions under 5 cm (ref 61, 42).",
        digits=3,
    )
    liver_bilobar = yes_no(
        "liver metastases in both lobes",
        "Bilobar disease is pattern II or III (ref 54): surgery is debatable or rarely indicated.",
    )
    liver_dominant_lesion = yes_no(
        "one dominant liver metastasis",
        "One dominant metastasis with small satellites in both lobes is pattern II (ref 54).",
    )
    liver_involvement_percent = measured(
        "liver volume replaced by tumour (%)",
        "liver_involvement_percent",
        "Share of the liver volume replaced by tumour. Transplantation requires less than 50% (ref 78).",
        digits=4,
    )
    peritoneal = yes_no(
        "peritoneal disease",
        "Peritoneal carcinomatosis; surgery is debatable and chosen by the expected completeness of "
        "cytoreduction (ref 81, 83).",
    )
    pci = counted(
        "peritoneal cancer index (0-39)",
        "pci",
        "PCI over 13 regions scored 0-3. Cytoreductive surgery is for a PCI under 20 (ref 81).",
    )
    extra_abdominal = yes_no(
        "extra-abdominal metastases",
        "Lung, bone or other distant disease outside the abdomen; argues against liver resection (ENETS, ref 42).",
    )
    perihilar_nodes_only = yes_no(
        "extrahepatic disease confined to perihilar nodes",
        "Perihilar lymph nodes are the one extrahepatic site that does not exclude liver transplantation (ref 40).",
    )
    extrahepatic_progressive = yes_no(
        "progressive extrahepatic disease",
        "Progressive extrahepatic disease calls for systemic treatment (Table II, stage IV 4; ref 44).",
    )

    # --- 4 functional imaging -------------------------------------------------------------------
    functional_imaging_date = dated("date of the functional imaging", "When the SSTR imaging (or FDG PET) was done.")
    sstr_imaging_done = yes_no(
        "SSTR imaging done",
        "68Ga-DOTA PET/CT or somatostatin receptor scintigraphy is part of the work-up (ref 10) and rules out "
        "non-operable extrahepatic disease before liver surgery (ref 54).",
    )
    fdg_pet_done = yes_no(
        "FDG PET done", "18F-FDG PET is part of the work-up where the grade is high (G3/NEC; Figure 1)."
    )

    # --- 5 histology and grade ------------------------------------------------------------------
    histology_date = dated("date of the histology report", "When the pathologist reported the findings below.")
    histology_available = yes_no("histology available", "Histology is required for grading (WHO 2019).")
    differentiation = chosen(
        "differentiation",
        Differentiation.choices,
        "Poorly differentiated carcinomas (NEC) are not treated by upfront surgery (ref 10, 54).",
    )
    ki67_percent = measured(
        "Ki-67 index (%)",
        "ki67_percent",
        "WHO 2019: G1 under 3%, G2 3-20%, G3 over 20%. Ki-67 of 10% or more excludes transplantation (ref 78).",
    )
    ki67_specimen = chosen(
        "Ki-67 measured on", Ki67Specimen.choices, "The specimen the Ki-67 index was counted on.", max_length=12
    )
    mitoses_per_2mm2 = measured(
        "mitoses per 2 mm²",
        "mitoses_per_2mm2",
        "WHO 2019: G1 under 2, G2 2-20, G3 over 20; the higher of Ki-67 and mitotic grade counts.",
    )
    small_cell = yes_no("small cell morphology", "Small cell carcinoma excludes liver transplantation (ref 40).")
    primary_invasion = chosen(
        "depth of invasion",
        Invasion.choices,
        "Deepest layer the primary invades; with the size it gives the T category (Table I).",
    )
    primary_resected = yes_no("primary already resected", "Whether the primary tumour has already been removed.")
    resection_margin = chosen(
        "resection margin",
        Margin.choices,
        "Only when the primary was resected. Transplantation requires a previous R0 resection (ref 78).",
        max_length=2,
    )
    positive_nodes = counted(
        "positive lymph nodes",
        "positive_nodes",
        "Number of nodes with metastases. Fewer than 12 is N1, 12 or more N2 (Table I; AJCC 8th).",
    )
    nodes_examined = counted(
        "lymph nodes examined",
        "nodes_examined",
        "Number of nodes the pathologist examined in the resected specimen. Dissection of at least eight "
        "(ref 10, 14, 20) or 12 (ref 23) lymph nodes has a positive impact on survival.",
    )

    # --- 6 cardiac assessment -------------------------------------------------------------------
    cardiac_date = dated("date of the cardiac assessment", "When the echocardiogram below was done.")
    echo_done = yes_no(
        "echocardiogram done",
        "Needed with carcinoid syndrome or raised 5-HIAA to assess carcinoid heart disease (ref 10).",
    )
    carcinoid_heart_disease = chosen(
        "carcinoid heart disease",
        HeartDisease.choices,
        "Advanced carcinoid heart disease argues against liver surgery (ref 54) and any carcinoid heart disease "
        "excludes transplantation (ref 40).",
    )
    right_heart_failure = yes_no(
        "right heart failure", "Right heart failure argues against liver resection (ENETS, ref 42)."
    )

    # --- 7 liver detail -------------------------------------------------------------------------
    liver_assessment_date = dated(
        "date of the liver assessment", "When the liver findings below were assessed (imaging, volumetry)."
    )
    liver_near_vital_structures = yes_no(
        "metastases near hepatic veins or porta hepatis",
        "Lesions close to vital structures cannot be treated by RFA (ref 61); irreversible electroporation "
        "can treat them without sacrificing the structures (ref 60).",
    )
    portal_vein_thrombosis = yes_no(
        "portal vein thrombosis", "A relative contraindication to TAE/TACE (Intra-arterial liver treatment; ref 70)."
    )
    liver_failure = yes_no("liver failure", "A relative contraindication to TAE/TACE (ref 70).")
    biliary_enteric_anastomosis = yes_no(
        "biliary-enteric anastomosis (e.g. Whipple)", "A relative contraindication to intra-arterial therapy (ref 70)."
    )
    hepatopulmonary_shunt = yes_no(
        "hepatopulmonary shunt", "A relative contraindication to intra-arterial therapy (ref 70)."
    )
    liver_resectable_percent = measured(
        "share of liver tumour removable (%)",
        "liver_resectable_percent",
        "Share of the liver tumour burden that surgery plus ablation could remove. 100% allows curative "
        "resection; at least 70% makes debulking worthwhile (ref 36, 53).",
        digits=4,
    )
    stable_months = counted(
        "months of stable disease under treatment",
        "stable_months",
        "Transplantation requires at least 6 months of stable disease (ref 78).",
    )
    portal_venous_drainage = yes_no(
        "primary drains into the portal vein",
        "Transplantation requires portal venous drainage of the primary (ref 78).",
    )

    # Every saved step leaves a record of all findings: who changed what and when.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referral_date", "-pk"]
        # The case list's order, with and without its status filter.
        indexes = [
            models.Index(fields=["-referral_date", "-id"], name="case_referral_order"),
            models.Index(fields=["status", "-referral_date", "-id"], name="case_status_referral_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="case_version_positive"),
            # A margin only exists for a resected primary (the engine refuses the contradiction too).
            # The IS NOT NULL matters: SQL lets a CHECK pass when it evaluates to NULL.
            models.CheckConstraint(
                condition=Q(resection_margin__isnull=True)
                | (Q(primary_resected__isnull=False) & Q(primary_resected=True)),
                name="case_margin_needs_resection",
            ),
            *[range_constraint("case", name) for name in NUMERIC_FINDINGS],
            *[choices_constraint("case", name, choices) for name, choices in ENUM_FINDINGS.items()],
            # Like a date of birth: nothing in the record predates 1900; a typo must not become a finding's date.
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": date(1900, 1, 1)}),
                    name=f"case_{name}_plausible",
                )
                for name in DATE_FINDINGS
            ],
        ]

    def __str__(self) -> str:
        return f"Case referred {self.referral_date:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:case_detail", kwargs={"public_id": self.public_id})

    def to_facts(self, today: date | None = None) -> dict[str, dict]:
        """Return the findings in exactly the JSON form `manage.py recommend` accepts (the age on TODAY)."""
        return case_facts(self, today or timezone.localdate())

    @classmethod
    @cache
    def next_board_subquery(cls) -> models.Subquery:
        """Return, for `annotate(next_board_at=...)`, when the next open meeting whose agenda has the case is
        scheduled (None when none is): what `board_day` reads, in the case's own query (cases.patients.access).
        The agenda is read through the reverse relation the meetings app declares (agenda_items), not an
        import: patients sits below meetings.

        One expression per process, as a module-level F() or Q() is: `annotate` resolves a copy of it for each
        query and never changes it. Built anew, it cost every pathway step and case page 0.9 ms of CPU, a third of
        the case's query (issue 14, performance round 6)."""
        items = cls._meta.get_field("agenda_items").related_model.objects
        return models.Subquery(
            items.filter(case=models.OuterRef("pk"), meeting__status__in=_OPEN_MEETINGS)
            .order_by("meeting__scheduled_at")
            .values("meeting__scheduled_at")[:1]
        )

    def board_day(self) -> tuple[date, bool]:
        """Return the day the board sees this case, (day, True), or (today, False) when no meeting is planned.

        The day is that of the next open meeting whose agenda has the case: the `next_board_at` annotation of the
        case's query where it has one (a case page or pathway step), else one query of its own.
        """
        scheduled = getattr(self, "next_board_at", _NOT_READ)
        if scheduled is _NOT_READ:
            scheduled = (
                self.agenda_items.filter(meeting__status__in=_OPEN_MEETINGS)
                .order_by("meeting__scheduled_at")
                .values_list("meeting__scheduled_at", flat=True)
                .first()
            )
        if scheduled is None:
            return timezone.localdate(), False
        return timezone.localdate(scheduled), True

    def has_findings(self) -> bool:
        """Return whether any clinical finding is recorded (dates alone are not findings)."""
        return any(getattr(self, name) is not None for name in FACT_FIELDS)


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Checked, waiting for confirmation"
    IMPORTED = "imported", "Imported"


class PatientImport(models.Model):
    """An uploaded file of patients, checked row by row (the dry run), until a coordinator confirms it.

    The checked rows are patient data: they are kept here, on the server, never in a URL or the browser,
    only for the one who uploaded them, and deleted `JOB_RESULT_HOURS` after the upload (by the next
    upload). The file itself is not kept: the rows as parsed are what the confirmation imports.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_name = models.CharField("file name", max_length=255)
    # Null for `manage.py import_patients` run without --user: nobody's page shows it.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    # [{"row", "hospital_number", "family_name", "given_name", "date_of_birth", "sex", "action", "reason"}]
    rows = models.JSONField(default=list)
    # How many rows the dry run would create, update, leave unchanged and refuse; after the import, what it did.
    counts = models.JSONField(default=dict)
    imported_counts = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="patient_import_status_valid"),
            # "Imported" always says when and what.
            models.CheckConstraint(
                condition=Q(status=ImportStatus.PENDING) | Q(imported_at__isnull=False, imported_counts__isnull=False),
                name="patient_import_done_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"Patient import {self.public_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("patients:import_detail", kwargs={"public_id": self.public_id})

    @property
    def is_pending(self) -> bool:
        return self.status == ImportStatus.PENDING
