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
    ("groups", "verdict", "why"),
    [
        ({"syndrome": {"carcinoid_syndrome": True}}, "recommended", "Carcinoid syndrome: somatostatin analogue cover"),
        ({"syndrome": {"urine_5hiaa_elevated": True}}, "recommended", "Raised urine 5-HIAA: somatostatin analogue"),
        ({"syndrome": {"carcinoid_syndrome": None}}, "consider", "Carcinoid syndrome or urine 5-HIAA not recorded"),
        ({}, "not_recommended", "Neither carcinoid syndrome nor raised urine 5-HIAA: no indication"),
        # A non-functional tumour is not "serotonin-secreting", liver metastases or not.
        ({"liver": METS}, "not_recommended", "Neither carcinoid syndrome nor raised urine 5-HIAA: no indication"),
        (
            {"syndrome": {"carcinoid_syndrome": True}, "primary": {"resected": True, "margin": "R0"}},
            "not_recommended",
            "No operation or liver-directed procedure is planned",
        ),
        (
            {"syndrome": {"carcinoid_syndrome": True}, "patient": {"major_comorbidity": True}},
            "consider",
            "Only if the procedure goes ahead, which is itself to be considered",
        ),
    ],
)
def test_perioperative_ssa_covers_a_planned_procedure_in_a_functional_tumour(assess, groups, verdict, why):
    recommendation = assess(**groups).recommendation("perioperative_ssa")
    assert recommendation.verdict == verdict
    assert recommendation.why.startswith(why)


def test_the_octreotide_protocol_is_spelled_out(assess):
    text = reasons(assess(syndrome={"carcinoid_syndrome": True}, liver=METS).recommendation("perioperative_ssa"))
    assert "at least 1 day before surgery" in text
    assert "for at least 1 day after" in text
    assert "multiplied by 2 in a carcinoid crisis" in text
    assert "reduce by 50% per day" in text
    assert "serotonin-secreting tumours carries a very high risk" in text  # liver resection is planned
    assert "before liver-directed therapy" in text  # RFA as an adjunct is to be considered


def test_no_word_of_surgery_when_only_a_liver_directed_procedure_is_planned(assess):
    groups = {"syndrome": {"carcinoid_syndrome": True}, "primary": {"resected": True, "margin": "R0"}}
    # Ki-67 12%: no transplantation either, so no operation at all.
    liver = {**METS, "resectable_percent": 40, "lesions": 8, "bilobar": True}
    result = assess(liver=liver, pathology={"ki67_percent": 12}, **groups)
    assert result.recommendation("liver_transplant").verdict == "not_recommended"
    recommendation = result.recommendation("perioperative_ssa")
    assert recommendation.verdict == "recommended"  # TAE/TACE is recommended
    text = reasons(recommendation)
    assert "before surgery" not in text
    assert "before liver-directed therapy" in text


def test_the_octreotide_protocol_follows_the_guideline_parameters(assess):
    guideline = Guideline(ssa_start_days_before=2, ssa_continue_days_after=3, ssa_taper_percent_per_day=25)
    text = reasons(assess(guideline, syndrome={"carcinoid_syndrome": True}).recommendation("perioperative_ssa"))
    assert "at least 2 days before surgery" in text
    assert "for at least 3 days after" in text
    assert "reduce by 25% per day" in text


# --- somatostatin_analogue (long-term) ----------------------------------------------------------------------
MESENTERY_STAGE_4 = {"positive": 6, "mass_cm": 4, "mesenteric_stage": 4}


@pytest.mark.parametrize(
    ("groups", "verdict", "why"),
    [
        # Abstract: "of high importance for symptomatic control"; Table II Stage I-III line 7.
        ({"syndrome": {"carcinoid_syndrome": True}}, "recommended", "Carcinoid syndrome: somatostatin analogues are"),
        # Introduction: "For inoperable cases, ... suspension of tumor proliferation should be among the aims".
        ({"liver": INOPERABLE}, "consider", "Distant metastases, with no curative operation recommended: for inop"),
        ({"nodes": MESENTERY_STAGE_4}, "consider", "The primary in place, with no curative operation recommended"),
        ({"primary": {"resected": True, "margin": "R2"}}, "consider", "Macroscopic residual disease after an R2"),
        ({"extrahepatic": {"peritoneal": True, "pci": 25}}, "consider", "Distant metastases, with no curative"),
        ({}, "not_recommended", "A curative operation is recommended: neoadjuvant and adjuvant treatment show no"),
        ({"liver": METS}, "not_recommended", "A curative operation is recommended"),
        ({"primary": {"resected": True, "margin": "R0"}}, "not_recommended", "No residual disease after resection"),
        (
            {"liver": INOPERABLE, "pathology": {"differentiation": "poor", "ki67_percent": 60}},
            "not_recommended",
            "Neuroendocrine carcinoma without carcinoid syndrome: tumour control is by systemic treatment",
        ),
        ({"syndrome": {"carcinoid_syndrome": None}}, "consider", "Carcinoid syndrome or urine 5-HIAA not recorded"),
    ],
)
def test_long_term_somatostatin_analogues_for_symptoms_and_for_inoperable_disease(assess, groups, verdict, why):
    recommendation = assess(**groups).recommendation("somatostatin_analogue")
    assert recommendation.verdict == verdict
    assert recommendation.why.startswith(why)


# --- cardiology_assessment ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("groups", "verdict", "why"),
    [
        ({"heart": {"carcinoid_heart_disease": "mild"}}, "recommended", "Carcinoid heart disease (mild): a cardio"),
        ({"heart": {"carcinoid_heart_disease": "advanced"}}, "recommended", "Carcinoid heart disease (advanced)"),
        ({"heart": {"right_heart_failure": True}}, "recommended", "Right heart failure: a cardiological assessment"),
        (
            {"syndrome": {"carcinoid_syndrome": True}, "heart": {"carcinoid_heart_disease": None, "echo_done": None}},
            "recommended",
            "Carcinoid syndrome and no carcinoid heart disease assessment recorded: an echocardiogram and NT-proBNP",
        ),
        ({"syndrome": {"carcinoid_syndrome": True}}, "not_recommended", "Carcinoid heart disease excluded"),
        ({"heart": {"carcinoid_heart_disease": None}}, "not_recommended", "Neither carcinoid syndrome nor raised"),
        (
            {"heart": {"carcinoid_heart_disease": "advanced"}, "primary": {"resected": True, "margin": "R0"}},
            "not_recommended",
            "No major operation is planned",
        ),
    ],
)
def test_cardiology_assessment_before_major_surgery_when_heart_disease_is_known_or_suspected(
    assess, groups, verdict, why
):
    """Criterion ix (refs 10, 54); Preoperative Care (ref 10): echocardiogram; Figure 1: NT-proBNP."""
    recommendation = assess(**groups).recommendation("cardiology_assessment")
    assert recommendation.verdict == verdict
    assert recommendation.why.startswith(why)


# --- adjuvant_therapy ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("groups", "phrase"),
    [
        ({}, "Curative setting: neoadjuvant and adjuvant treatment do not seem to have any benefit"),
        ({"liver": METS}, "neither neoadjuvant nor adjuvant chemotherapy improves outcomes (ref 57)"),
        (
            {"pathology": {"differentiation": "poor"}},
            "Neuroendocrine carcinoma: systemic treatment around the resection",
        ),
    ],
)
def test_adjuvant_therapy_is_never_recommended_and_says_why(assess, groups, phrase):
    recommendation = assess(**groups).recommendation("adjuvant_therapy")
    assert recommendation.verdict == "not_recommended"
    assert phrase in reasons(recommendation)


# --- systemic_therapy ---------------------------------------------------------------------------------------
G3 = {"ki67_percent": 35}
NEC = {"differentiation": "poor", "ki67_percent": 60}


@pytest.mark.parametrize(
    ("groups", "verdict", "why"),
    [
        ({"pathology": G3, "liver": METS}, "recommended", "Grade G3 with distant metastases: no upfront surgery"),
        ({"pathology": NEC, "liver": INOPERABLE}, "recommended", "Grade NEC with distant metastases"),
        # Localised G3 NET: curative resection (Table II Stage I-III line 1), no adjuvant benefit (line 13).
        ({"pathology": G3}, "not_recommended", "Localised grade G3 NET for curative resection"),
        ({"pathology": NEC}, "consider", "Localised neuroendocrine carcinoma: a high risk of recurrence"),
        (
            {"liver": METS, "extrahepatic": {"extra_abdominal": True, "progressive": True}},
            "recommended",
            "Progressive disease with extrahepatic lesions: systemic treatment should be administered",
        ),
        ({"liver": INOPERABLE}, "consider", "Distant metastases, with no curative operation recommended"),
        ({"extrahepatic": {"peritoneal": True, "pci": 25}}, "consider", "Distant metastases, with no curative"),
        ({"primary": {"resected": True, "margin": "R2"}}, "consider", "Macroscopic residual disease after an R2"),
        ({"liver": METS}, "not_recommended", "Grade G1 and no progressive extrahepatic disease: resection of the"),
        ({"primary": {"resected": True, "margin": "R0"}}, "not_recommended", "No residual disease after resection"),
        ({"pathology": {"ki67_percent": None, "mitoses_per_2mm2": None}}, "consider", "Grade not recorded"),
    ],
)
def test_systemic_therapy(assess, groups, verdict, why):
    recommendation = assess(**groups).recommendation("systemic_therapy")
    assert recommendation.verdict == verdict
    assert recommendation.why.startswith(why)


def test_systemic_therapy_never_says_surgery_comes_first_after_refusing_it(assess):
    result = assess(nodes=MESENTERY_STAGE_4, extrahepatic={"peritoneal": True, "pci": 30})
    assert all(
        result.recommendation(code).verdict == "not_recommended"
        for code in ("primary_resection", "peritoneal_cytoreduction", "liver_resection", "tae_tace")
    )
    recommendation = result.recommendation("systemic_therapy")
    assert recommendation.verdict == "consider"
    assert "first" not in reasons(recommendation)


def test_stable_inoperable_disease_with_unknown_progression_asks_for_it(assess):
    recommendation = assess(
        liver=INOPERABLE, extrahepatic={"extra_abdominal": True, "progressive": None}
    ).recommendation("systemic_therapy")
    assert recommendation.verdict == "consider"
    assert "extrahepatic.progressive" in [item.field for item in recommendation.to_confirm]


@pytest.mark.parametrize(
    "groups",
    [
        {"nodes": MESENTERY_STAGE_4},  # mesenteric root stage 4, nothing else
        {"primary": {"resected": True, "margin": "R2"}, "nodes": MESENTERY_STAGE_4},  # R2 residual on the root
        {"extrahepatic": {"peritoneal": True, "pci": 30}, "primary": {"resected": True, "margin": "R0"}},
    ],
)
def test_inoperable_disease_outside_the_liver_still_leaves_with_a_path(assess, groups):
    """Introduction: "For inoperable cases, hormone symptom control and suspension of tumor proliferation should be
    among the therapeutic aims"."""
    result = assess(**groups)
    assert result.recommendation("somatostatin_analogue").verdict == "consider"
    assert result.recommendation("systemic_therapy").verdict == "consider"
