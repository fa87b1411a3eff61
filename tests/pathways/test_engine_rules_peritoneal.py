"""Peritoneal cytoreduction (Diffuse Peritoneal Carcinomatosis: refs 81-85, 55)."""

import pytest

from cases.pathways.engine import Guideline


def reasons(recommendation) -> str:
    return " ".join(recommendation.reasons)


@pytest.mark.parametrize(
    ("extrahepatic", "verdict", "phrase"),
    [
        ({"peritoneal": True, "pci": 19}, "consider", "PCI 19 (below 20): a low completeness-of-cytoreduction"),
        ({"peritoneal": True, "pci": 20}, "not_recommended", "PCI 20: a low completeness-of-cytoreduction score"),
        ({"peritoneal": True, "pci": 39}, "not_recommended", "PCI 39"),
        ({"peritoneal": True, "pci": None}, "consider", "Peritoneal carcinomatosis index (PCI) not recorded"),
        ({"peritoneal": False}, "not_recommended", "No peritoneal carcinomatosis: not applicable"),
        ({"peritoneal": None}, "not_recommended", "Peritoneal disease not recorded"),
    ],
)
def test_peritoneal_cytoreduction_needs_a_pci_below_twenty(assess, extrahepatic, verdict, phrase):
    recommendation = assess(extrahepatic=extrahepatic).recommendation("peritoneal_cytoreduction")
    assert recommendation.verdict == verdict
    assert phrase in reasons(recommendation)


def test_cytoreduction_explains_ccr_and_leaves_hipec_to_its_own_verdict(assess):
    text = reasons(assess(extrahepatic={"peritoneal": True, "pci": 8}).recommendation("peritoneal_cytoreduction"))
    assert "CCR-0" in text
    assert "CCR-3" in text
    assert "remains debatable" in text
    assert "HIPEC" not in text


def test_cytoreduction_is_refused_for_high_grade_disease(assess):
    result = assess(extrahepatic={"peritoneal": True, "pci": 5}, pathology={"differentiation": "poor"})
    assert result.recommendation("peritoneal_cytoreduction").verdict == "not_recommended"


def test_the_pci_limit_is_a_guideline_parameter(assess):
    result = assess(Guideline(pci_max=15), extrahepatic={"peritoneal": True, "pci": 16})
    assert result.recommendation("peritoneal_cytoreduction").verdict == "not_recommended"


@pytest.mark.parametrize(
    ("groups", "why"),
    [
        ({"patient": {"ecog": 3}}, "ECOG performance status 3: an extended operation is for fit patients"),
        ({"heart": {"right_heart_failure": True}}, "Right heart failure: an extended operation is for fit patients"),
        ({"heart": {"carcinoid_heart_disease": "advanced"}}, "Advanced carcinoid heart disease"),
    ],
)
def test_an_unfit_patient_is_not_offered_cytoreduction(assess, groups, why):
    recommendation = assess(extrahepatic={"peritoneal": True, "pci": 5}, **groups).recommendation(
        "peritoneal_cytoreduction"
    )
    assert recommendation.verdict == "not_recommended"
    assert recommendation.why.startswith(why)


# --- hipec ----------------------------------------------------------------------------------------------------
def test_hipec_is_its_own_verdict_beside_cytoreduction(assess):
    """Ref 85: "the main limitation of HIPEC ... chemotherapy is used against tumors with a low proliferative rate";
    ref 81: added morbidity and mortality with another major surgery."""
    result = assess(extrahepatic={"peritoneal": True, "pci": 8})
    assert result.recommendation("peritoneal_cytoreduction").verdict == "consider"
    hipec = result.recommendation("hipec")
    assert hipec.verdict == "not_recommended"
    assert hipec.why.startswith("Grade G1: chemotherapy acts against tumours with a low proliferative rate")
    assert "(ref 85)" in hipec.why
    text = reasons(hipec)
    assert "may improve survival by eradicating small peritoneal lesions" in text
    assert "adds morbidity and mortality when given with another major operation (ref 81)" in text


@pytest.mark.parametrize("extrahepatic", [{"peritoneal": False}, {"peritoneal": True, "pci": 25}])
def test_no_hipec_without_cytoreduction(assess, extrahepatic):
    hipec = assess(extrahepatic=extrahepatic).recommendation("hipec")
    assert hipec.verdict == "not_recommended"
    assert hipec.why.startswith("No cytoreductive surgery is planned")
