"""The open cases the impact preview tests count by hand, and the draft they preview.

The draft raises the debulking threshold from the seed's 70 % to 95 % of the liver tumour burden (the change the
issue tried). What the engine says about debulking (docs/clinical-rules.md, `liver_debulking`): with liver
metastases of a G1/G2 tumour, no liver or heart failure and a fit patient, "consider" when the resectable share is
at least the threshold and below 100 %; "not recommended" below the threshold, at 100 % (complete resection), and
without liver imaging. So, from 70 to 95:

| case | resectable share | debulking 70 % → 95 % |
| --- | --- | --- |
| BILOBAR_80 | 80 % | consider → not recommended |
| BILOBAR_80 with the heart not recorded (unknown facts) | 80 % | consider → not recommended |
| BILOBAR_96 | 96 % | consider → consider |
| BILOBAR_60 | 60 % | not recommended → not recommended |
| STAGE_IV (tests/patients/factories.py) | 100 % | not recommended → not recommended |
| nothing recorded (every fact unknown) | unknown | not recommended → not recommended |
| a closed case at 80 % | — | not counted |
| contradictory findings (bilobar without lesions) | — | cannot be assessed, not counted |

The resectable share decides nothing else in these cases, so every other option keeps its verdict.
"""

from datetime import date

from cases.pathways.guideline_versions import clone_version, save_draft
from cases.pathways.models import GuidelineStatus, GuidelineVersion
from cases.patients.models import Case, CaseStatus
from tests.patients.factories import STAGE_IV, make_case, make_patient

# Eight liver metastases in both lobes, no dominant one, 30 % of the liver: pattern III, no curative resection.
BILOBAR_80 = {
    **STAGE_IV,
    "liver_lesions": 8,
    "liver_bilobar": True,
    "liver_dominant_lesion": False,
    "liver_involvement_percent": "30",
    "liver_failure": False,
    "ecog": 1,
    "primary_resected": False,
    "liver_resectable_percent": "80",
}
BILOBAR_96 = {**BILOBAR_80, "liver_resectable_percent": "96"}
BILOBAR_60 = {**BILOBAR_80, "liver_resectable_percent": "60"}
HEART_UNKNOWN = {"right_heart_failure": None, "carcinoid_heart_disease": None}


def hand_counted_cases() -> dict[str, Case]:
    """Create the cases of the table above; return them by name."""
    cases = {
        "bilobar_80": make_case(**BILOBAR_80),
        "bilobar_80_heart_unknown": make_case(**{**BILOBAR_80, **HEART_UNKNOWN}),
        "bilobar_96": make_case(**BILOBAR_96),
        "bilobar_60": make_case(**BILOBAR_60),
        "stage_iv": make_case(**STAGE_IV),
        "nothing_recorded": make_case(),
        "closed": make_case(**BILOBAR_80, status=CaseStatus.CLOSED),
        "contradictory": make_case(),
    }
    # Only a change outside the app's forms (which refuse it) can store a contradiction.
    Case.objects.filter(pk=cases["contradictory"].pk).update(liver_lesions=0, liver_bilobar=True)
    return cases


def seed_version() -> GuidelineVersion:
    return GuidelineVersion.objects.get(status=GuidelineStatus.ACTIVE)


def make_draft(editor, **thresholds) -> GuidelineVersion:
    """Clone the version in force into a draft with THRESHOLDS changed (default: debulking at 95 %)."""
    draft = clone_version(seed_version(), editor, name="local-2027-01")
    for name, value in (thresholds or {"debulking_min_percent": 95}).items():
        setattr(draft, name, value)
    return save_draft(draft, editor)


def identifiers(cases) -> list[str]:
    """Every identifier of the cases and their patients that must never reach a content editor."""
    found = []
    for case in cases:
        patient = case.patient
        found += [str(case.public_id), str(patient.public_id), patient.hospital_number, patient.family_name]
        found += [patient.given_name, patient.family_name.upper()]
    return found


def patient_named(family_name: str, given_name: str):
    """A patient whose name cannot occur by accident in a page (the shared builder numbers names)."""
    return make_patient(family_name=family_name, given_name=given_name, date_of_birth=date(1958, 5, 17))
