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


def test_tae_tace_is_at_most_considered_while_resection_is_still_possible(assess):
    """Intra-arterial therapy is "indicated in patients ineligible for surgery (70)"."""
    result = assess(liver={**METS, "resectable_percent": 100, "bilobar": True, "dominant_lesion": True})
    assert result.recommendation("liver_resection").verdict == "consider"
    recommendation = result.recommendation("tae_tace")
    assert recommendation.verdict == "consider"
    assert recommendation.why.startswith("Liver surgery is still to be considered (liver resection)")
    assert "only if surgery is not pursued" in recommendation.why


def test_tae_tace_is_at_most_considered_while_debulking_is_considered(assess):
    result = assess(liver={**METS, "resectable_percent": 80})
    assert result.recommendation("liver_debulking").verdict == "consider"
    assert result.recommendation("tae_tace").verdict == "consider"


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


# --- hard cases (issue 13) -----------------------------------------------------------------------------------
NEC = {"differentiation": "poor", "ki67_percent": 70}


@pytest.mark.parametrize("code", ["tae_tace", "sirt"])
def test_small_cell_nec_is_not_offered_embolisation(assess, code):
    result = assess(pathology={**NEC, "small_cell": True}, liver=METS)
    recommendation = result.recommendation(code)
    assert recommendation.verdict == "not_recommended"
    assert recommendation.why.startswith("Small cell neuroendocrine carcinoma: its tumour biology calls for systemic")
    assert result.recommendation("systemic_therapy").verdict == "recommended"


def test_a_g3_net_is_at_most_considered_for_tace(assess):
    recommendation = assess(pathology={"ki67_percent": 30}, liver=METS).recommendation("tae_tace")
    assert recommendation.verdict == "consider"
    assert recommendation.why.startswith("Grade G3")


def test_extensive_liver_replacement_limits_tace_but_not_sirt(assess):
    """Seed 003: "extensive disease, the risks may outweigh the benefits"; TARE "even in patients with more advanced
    liver disease"."""
    result = assess(liver={**METS, "involvement_percent": 75})
    tace = result.recommendation("tae_tace")
    assert tace.verdict == "consider"
    assert tace.why.startswith("75% of the liver replaced by tumour (extensive disease, from 50%)")
    assert "radioembolisation can be used even in more advanced liver disease" in reasons(result.recommendation("sirt"))


def test_progressive_extrahepatic_disease_limits_tace_and_calls_for_systemic_therapy(assess):
    result = assess(liver=METS, extrahepatic={"extra_abdominal": True, "progressive": True})
    assert result.recommendation("tae_tace").verdict == "consider"
    assert result.recommendation("systemic_therapy").verdict == "recommended"


def test_tace_is_second_to_a_recommended_rfa(assess):
    """Ref 42: "there are no data indicating TACE superiority compared to RFA"."""
    result = assess(liver={**METS, "lesions": 2, "bilobar": False})
    assert result.recommendation("rfa").verdict == "recommended"
    recommendation = result.recommendation("tae_tace")
    assert recommendation.verdict == "consider"
    assert recommendation.why.startswith("RFA is recommended for these few small lesions")


def test_sirt_speaks_of_bilateral_disease_without_contrasting_itself_with_a_recommended_tace(assess):
    result = assess(liver=METS)
    assert result.recommendation("tae_tace").verdict == "recommended"
    text = reasons(result.recommendation("sirt"))
    assert "Bilobar disease: SIRT may be used in bilateral disease" in text
    assert "unlike TACE" not in text
