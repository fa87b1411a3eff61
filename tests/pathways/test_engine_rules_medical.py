"""Perioperative SSA (refs 13-15, 59), adjuvant therapy (Table II I-III 13, ref 57), systemic therapy (ref 44)."""

import pytest

from cases.pathways.engine import Guideline

METS = {"lesions": 3, "max_diameter_cm": 2.0, "involvement_percent": 10, "resectable_percent": 100}
INOPERABLE = {
    "lesions": 30,
    "max_diameter_cm": 6.0,
    "bilobar": True,
    "involvement_percent": 60,
    "resectable_percent": 20,
}


def reasons(recommendation) -> str:
    return " ".join(recommendation.reasons)


# --- perioperative_ssa --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("groups", "verdict", "phrase"),
    [
        ({"syndrome": {"carcinoid_syndrome": True}}, "recommended", "Carcinoid syndrome: somatostatin analogue"),
        ({"syndrome": {"urine_5hiaa_elevated": True}}, "recommended", "Raised urine 5-HIAA: somatostatin"),
        ({"liver": METS}, "consider", "large serotonin-secreting tumours"),
        ({"syndrome": {"carcinoid_syndrome": None, "urine_5hiaa_elevated": None}}, "consider", "Urine 5-HIAA not"),
        ({"syndrome": {"carcinoid_syndrome": None}}, "consider", "Carcinoid syndrome not recorded"),
        ({"liver": {"lesions": None}}, "consider", "Number of liver lesions not recorded"),
        ({}, "not_recommended", "No carcinoid syndrome, normal urine 5-HIAA and no liver metastases"),
    ],
)
def test_perioperative_ssa(assess, groups, verdict, phrase):
    recommendation = assess(**groups).recommendation("perioperative_ssa")
    assert recommendation.verdict == verdict
    assert phrase in reasons(recommendation)


def test_the_octreotide_protocol_is_spelled_out(assess):
    text = reasons(assess(syndrome={"carcinoid_syndrome": True}).recommendation("perioperative_ssa"))
    assert "at least 1 day before surgery" in text
    assert "for at least 1 day after" in text
    assert "multiplied by 2 in a carcinoid crisis" in text
    assert "reduce by 50% per day" in text
    assert "even to minor surgery" in text
    assert "before liver-directed therapy" in text


def test_the_octreotide_protocol_follows_the_guideline_parameters(assess):
    guideline = Guideline(ssa_start_days_before=2, ssa_continue_days_after=3, ssa_taper_percent_per_day=25)
    text = reasons(assess(guideline, syndrome={"carcinoid_syndrome": True}).recommendation("perioperative_ssa"))
    assert "at least 2 days before surgery" in text
    assert "for at least 3 days after" in text
    assert "reduce by 25% per day" in text


# --- adjuvant_therapy ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("groups", "phrase"),
    [
        ({}, "Curative setting: neoadjuvant and adjuvant treatment do not seem to have any benefit"),
        ({"liver": METS}, "neither neoadjuvant nor adjuvant chemotherapy improves outcomes (ref 57)"),
        ({"pathology": {"differentiation": "poor"}}, "does not address adjuvant treatment of neuroendocrine"),
    ],
)
def test_adjuvant_therapy_is_never_recommended_and_says_why(assess, groups, phrase):
    recommendation = assess(**groups).recommendation("adjuvant_therapy")
    assert recommendation.verdict == "not_recommended"
    assert phrase in reasons(recommendation)


# --- systemic_therapy ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("groups", "verdict", "phrase"),
    [
        ({"pathology": {"ki67_percent": 35}}, "recommended", "Grade G3: no upfront surgery"),
        ({"pathology": {"differentiation": "poor"}}, "recommended", "Grade NEC"),
        (
            {"liver": METS, "extrahepatic": {"progressive": True}},
            "recommended",
            "Progressive disease with extrahepatic lesions: systemic treatment",
        ),
        ({"liver": INOPERABLE, "extrahepatic": {"progressive": None}}, "consider", "progression not recorded"),
        (
            {"extrahepatic": {"extra_abdominal": True, "progressive": None}},
            "consider",
            "extra-abdominal metastases; progression not recorded",
        ),
        ({"liver": INOPERABLE}, "consider", "Inoperable disease: hormone symptom control and suspension"),
        ({"liver": METS}, "not_recommended", "surgery and liver-directed options come first"),
        ({}, "not_recommended", "Grade G1 and no progressive extrahepatic disease"),
        ({"pathology": {"ki67_percent": None, "mitoses_per_2mm2": None}}, "consider", "Grade not recorded"),
    ],
)
def test_systemic_therapy(assess, groups, verdict, phrase):
    recommendation = assess(**groups).recommendation("systemic_therapy")
    assert recommendation.verdict == verdict
    assert phrase in reasons(recommendation)


def test_resectable_liver_disease_with_unknown_progression_does_not_call_for_systemic_therapy(assess):
    result = assess(liver=METS, extrahepatic={"progressive": None})
    assert result.recommendation("systemic_therapy").verdict == "not_recommended"
