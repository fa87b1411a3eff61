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


def test_cytoreduction_explains_ccr_and_the_hipec_caveat(assess):
    text = reasons(assess(extrahepatic={"peritoneal": True, "pci": 8}).recommendation("peritoneal_cytoreduction"))
    assert "CCR-0" in text
    assert "CCR-3" in text
    assert "HIPEC" in text
    assert "remains debatable" in text


def test_cytoreduction_is_refused_for_high_grade_disease(assess):
    result = assess(extrahepatic={"peritoneal": True, "pci": 5}, pathology={"differentiation": "poor"})
    assert result.recommendation("peritoneal_cytoreduction").verdict == "not_recommended"


def test_the_pci_limit_is_a_guideline_parameter(assess):
    result = assess(Guideline(pci_max=15), extrahepatic={"peritoneal": True, "pci": 16})
    assert result.recommendation("peritoneal_cytoreduction").verdict == "not_recommended"
