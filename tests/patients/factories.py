"""Small builders for patients and cases used across the view and pathway tests."""

from datetime import date

from cases.patients.models import Case, Patient
from cases.patients.services import save_patient

_counter = iter(range(1, 1_000_000))


def make_patient(**overrides) -> Patient:
    n = next(_counter)
    values = {
        "hospital_number": f"MRN{n:06d}",
        "family_name": f"Family{n}",
        "given_name": f"Given{n}",
        "date_of_birth": date(1960, 1, 1),
        "sex": "female",
    }
    values.update(overrides)
    return save_patient(Patient(**values))


def make_case(patient: Patient | None = None, **findings) -> Case:
    values = {"referral_date": date(2026, 10, 1), "referring_clinician": "Dr Referrer", "question": "Surgical options?"}
    values.update(findings)
    case = Case.objects.create(patient=patient or make_patient(), **values)
    case.refresh_from_db()  # decimals typed as strings come back as Decimal
    return case


# A stage IV case: terminal ileal primary with a bulky nodal mass and two liver metastases in one lobe.
STAGE_IV = {
    "ct_or_mri_done": True,
    "primary_site": "terminal_ileum",
    "primary_size_cm": "2.2",
    "multifocal": False,
    "mesenteric_mass_cm": "2.5",
    "liver_lesions": 2,
    "liver_max_diameter_cm": "3",
    "liver_bilobar": False,
    "peritoneal": False,
    "extra_abdominal": False,
    "perihilar_nodes_only": False,
    "primary_invasion": "subserosa",
    "differentiation": "well",
    "ki67_percent": "5",
    "carcinoid_syndrome": True,
    "liver_resectable_percent": "100",
    "major_comorbidity": False,
    "right_heart_failure": False,
    "carcinoid_heart_disease": "none",
}

# STAGE_IV with every work-up item the engine asks for (carcinoid syndrome: echocardiogram and NT-proBNP), so its
# readiness for the board depends only on the coordinator's confirmation.
STAGE_IV_COMPLETE = {
    **STAGE_IV,
    "sstr_imaging_done": True,
    "urine_5hiaa_measured": True,
    "chromogranin_a_measured": True,
    "histology_available": True,
    "echo_done": True,
    "nt_probnp_pg_ml": "120",
}
