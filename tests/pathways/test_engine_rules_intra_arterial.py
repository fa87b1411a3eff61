"""Intra-arterial therapy: TAE/TACE and SIRT (refs 70, 71, 66, 42, 54, 72-74, 40, 16, 44; seed 003)."""

import pytest

METS = {"lesions": 8, "max_diameter_cm": 3.0, "involvement_percent": 30, "resectable_percent": 40, "bilobar": True}


def reasons(recommendation) -> str:
    return " ".join(recommendation.reasons)


@pytest.mark.parametrize(
    ("groups", "verdict", "phrase"),
    [
        ({"liver": METS}, "recommended", "second-line option for mainly liver metastases"),
        ({"liver": {**METS, "portal_vein_thrombosis": True}}, "consider", "Portal vein thrombosis: relative"),
        ({"liver": {**METS, "liver_failure": True}}, "consider", "Liver failure: relative contraindication"),
        ({"liver": {**METS, "biliary_enteric_anastomosis": True}}, "consider", "(Whipple procedure): relative"),
        ({"liver": {**METS, "hepatopulmonary_shunt": True}}, "consider", "Hepatopulmonary shunt: relative"),
        ({"liver": {**METS, "liver_failure": None}}, "consider", "Liver failure not recorded"),
        ({"liver": METS, "extrahepatic": {"extra_abdominal": True}}, "consider", "liver-dominant disease"),
        ({"liver": METS, "extrahepatic": {"peritoneal": True, "pci": 4}}, "consider", "Peritoneal disease"),
        ({"liver": METS, "extrahepatic": {"extra_abdominal": None}}, "consider", "Extra-abdominal disease not"),
        ({"liver": {**METS, "bilobar": False, "resectable_percent": 100}}, "not_recommended", "ineligible for"),
        ({}, "not_recommended", "No liver metastases"),
    ],
)
def test_tae_tace(assess, groups, verdict, phrase):
    recommendation = assess(**groups).recommendation("tae_tace")
    assert recommendation.verdict == verdict
    assert phrase in reasons(recommendation)


def test_tae_tace_says_tae_and_tace_do_not_differ(assess):
    text = reasons(assess(liver=METS).recommendation("tae_tace"))
    assert "TAE and TACE do not differ significantly" in text
    assert "Table II, Stage IV line 5; ref 54" in text


def test_tae_tace_names_every_relative_contraindication(assess):
    liver = {**METS, "portal_vein_thrombosis": True, "hepatopulmonary_shunt": True}
    text = reasons(assess(liver=liver).recommendation("tae_tace"))
    assert "Portal vein thrombosis" in text
    assert "Hepatopulmonary shunt" in text


def test_tae_tace_stays_an_option_when_resection_is_only_to_be_considered(assess):
    result = assess(liver={**METS, "resectable_percent": 100, "bilobar": True, "dominant_lesion": True})
    assert result.recommendation("liver_resection").verdict == "consider"
    recommendation = result.recommendation("tae_tace")
    assert recommendation.verdict == "recommended"
    assert "if surgery is not pursued" in reasons(recommendation)


@pytest.mark.parametrize(
    ("liver", "verdict", "phrase"),
    [
        (METS, "consider", "may be used in bilateral disease"),
        ({**METS, "bilobar": False}, "consider", "more data are needed"),
        ({**METS, "hepatopulmonary_shunt": True}, "consider", "pulmonary shunting is a known toxicity of SIRT"),
        ({**METS, "bilobar": False, "resectable_percent": 100}, "not_recommended", "ineligible for surgery"),
    ],
)
def test_sirt_is_at_most_an_option(assess, liver, verdict, phrase):
    recommendation = assess(liver=liver).recommendation("sirt")
    assert recommendation.verdict == verdict
    assert phrase in reasons(recommendation)


def test_sirt_is_not_applicable_without_liver_metastases(assess):
    assert assess().recommendation("sirt").verdict == "not_recommended"
