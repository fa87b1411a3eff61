"""Thermal ablation and IRE (Locoregional Treatment: refs 61, 42, 52, 13, 59, 60, 65, 66; seed 003)."""

import re

import pytest

from cases.pathways.engine import Guideline

# Not resectable for cure, so RFA is judged on its own merits.
METS = {"lesions": 3, "max_diameter_cm": 2.0, "involvement_percent": 10, "resectable_percent": 80}


def reasons(recommendation) -> str:
    return " ".join(recommendation.reasons)


@pytest.mark.parametrize(
    ("liver", "verdict", "phrase"),
    [
        ({"lesions": 4}, "recommended", "4 liver lesions: within the limit of fewer than 5 (ref 61)."),
        ({"lesions": 5}, "not_recommended", "5 liver lesions: RFA is limited to fewer than 5 (ref 61)."),
        ({"lesions": 7}, "not_recommended", "7 liver lesions: RFA is limited to fewer than 5 (ref 61)."),
        ({"lesions": 1}, "recommended", "1 liver lesion: within the limit"),
        ({"max_diameter_cm": 4.9}, "recommended", "Largest lesion 4.9 cm: below 5 cm"),
        ({"max_diameter_cm": 5.0}, "not_recommended", "Largest lesion 5 cm: RFA needs a maximum diameter below 5"),
        ({"max_diameter_cm": 6.5}, "not_recommended", "larger lesions render it inapplicable (refs 61, 42)"),
        ({"max_diameter_cm": None}, "consider", "Diameter of the largest lesion not recorded"),
        ({"near_vital_structures": True}, "not_recommended", "see irreversible electroporation"),
        ({"near_vital_structures": None}, "consider", "Proximity to vital structures"),
    ],
)
def test_rfa_limits(assess, liver, verdict, phrase):
    recommendation = assess(liver={**METS, **liver}).recommendation("rfa")
    assert recommendation.verdict == verdict
    assert phrase in reasons(recommendation)


def test_rfa_lists_every_limit_that_is_exceeded(assess):
    liver = {**METS, "lesions": 7, "max_diameter_cm": 6.0, "near_vital_structures": True}
    text = reasons(assess(liver=liver).recommendation("rfa"))
    assert "7 liver lesions" in text
    assert "Largest lesion 6 cm" in text
    assert "close to vital structures" in text


def test_rfa_is_an_adjunct_when_curative_resection_is_recommended(assess):
    result = assess(liver={**METS, "resectable_percent": 100})
    assert result.recommendation("liver_resection").verdict == "recommended"
    recommendation = result.recommendation("rfa")
    assert recommendation.verdict == "consider"
    assert "limit the extent of the hepatectomy (ref 52" in reasons(recommendation)


def test_rfa_asks_for_ssa_first_in_a_functional_tumour(assess):
    text = reasons(assess(liver=METS, syndrome={"carcinoid_syndrome": True}).recommendation("rfa"))
    assert "somatostatin analogue cover before the procedure" in text
    assert "(ref 59)" in text


def test_rfa_is_not_applicable_without_liver_metastases(assess):
    recommendation = assess().recommendation("rfa")
    assert recommendation.verdict == "not_recommended"
    assert "No liver metastases" in reasons(recommendation)


def test_the_ablation_limits_are_guideline_parameters(assess):
    guideline = Guideline(ablation_max_lesions=8, rfa_max_diameter_cm=6.0)
    result = assess(guideline, liver={**METS, "lesions": 7, "max_diameter_cm": 5.5})
    assert result.recommendation("rfa").verdict == "recommended"


@pytest.mark.parametrize(
    ("liver", "verdict"),
    [
        ({"max_diameter_cm": 4.9}, "consider"),
        ({"max_diameter_cm": 5.0}, "consider"),  # "lesions of around 5 cm": inclusive
        ({"max_diameter_cm": 5.1}, "not_recommended"),
        ({"lesions": 4}, "consider"),
        ({"lesions": 5}, "not_recommended"),
        ({"near_vital_structures": True}, "not_recommended"),
        ({"max_diameter_cm": None}, "consider"),
    ],
)
def test_mwa_is_an_option_up_to_five_cm_inclusive(assess, liver, verdict):
    assert assess(liver={**METS, **liver}).recommendation("mwa").verdict == verdict


def test_a_five_cm_lesion_is_out_for_rfa_but_in_for_mwa(assess):
    result = assess(liver={**METS, "max_diameter_cm": 5.0})
    assert result.recommendation("rfa").verdict == "not_recommended"
    assert result.recommendation("mwa").verdict == "consider"
    assert "lesions of around 5 cm better than RFA" in reasons(result.recommendation("mwa"))


def test_mwa_is_never_recommended_outright(assess):
    assert assess(liver={**METS, "lesions": 1}).recommendation("mwa").verdict == "consider"


@pytest.mark.parametrize(
    ("liver", "verdict", "phrase"),
    [
        ({"near_vital_structures": True}, "consider", "without sacrificing them (ref 60)"),
        ({"near_vital_structures": False}, "not_recommended", "RFA or MWA will do"),
        ({"near_vital_structures": None}, "consider", "Proximity to vital structures not recorded"),
        ({"near_vital_structures": True, "lesions": 5}, "not_recommended", "limited to fewer than 5"),
    ],
)
def test_ire_is_for_lesions_close_to_vital_structures(assess, liver, verdict, phrase):
    recommendation = assess(liver={**METS, **liver}).recommendation("ire")
    assert recommendation.verdict == verdict
    assert phrase in reasons(recommendation)


# --- hard cases (issue 13): tumour biology, liver function and burden, disease outside the liver ---------------
NEC = {"differentiation": "poor", "ki67_percent": 70}


@pytest.mark.parametrize("code", ["rfa", "mwa", "ire"])
@pytest.mark.parametrize("pathology", [NEC, {**NEC, "small_cell": True}])
def test_small_cell_nec_is_not_offered_rfa(assess, code, pathology):
    """Ref 44 and Locoregional Treatment: treatment by "tumour biology", individualised by tumour characteristics."""
    recommendation = assess(pathology=pathology, liver={**METS, "near_vital_structures": True}).recommendation(code)
    assert recommendation.verdict == "not_recommended"
    assert re.match(
        r"(Small cell n|N)euroendocrine carcinoma: its tumour biology calls for systemic", recommendation.why
    )


def test_a_g3_net_is_at_most_considered_for_rfa(assess):
    result = assess(pathology={"ki67_percent": 30}, liver=METS)
    assert result.recommendation("liver_resection").verdict == "not_recommended"
    recommendation = result.recommendation("rfa")
    assert recommendation.verdict == "consider"
    assert recommendation.why.startswith("Grade G3: a high risk of recurrence; RFA is individualised by tumour")


@pytest.mark.parametrize(
    ("liver", "extrahepatic", "why"),
    [
        ({"liver_failure": True}, {}, "Liver failure: the risks of RFA may outweigh its benefits (seed 003"),
        ({"involvement_percent": 50}, {}, "50% of the liver replaced by tumour (extensive disease, from 50%)"),
        ({}, {"extra_abdominal": True}, "Extra-abdominal disease: RFA suits liver-dominant disease"),
        ({}, {"peritoneal": True, "pci": 3}, "Peritoneal disease: RFA suits liver-dominant disease"),
        ({}, {"perihilar_nodes_only": True, "progressive": True}, "Progressive extrahepatic disease: systemic"),
    ],
)
def test_rfa_reads_liver_function_liver_burden_and_disease_outside_the_liver(assess, liver, extrahepatic, why):
    """Seed 003: "poor liver function or extensive disease, the risks may outweigh the benefits"; ablation for
    "liver-dominant disease"; Table II Stage IV line 4: systemic treatment for progressive extrahepatic disease."""
    recommendation = assess(liver={**METS, **liver}, extrahepatic=extrahepatic).recommendation("rfa")
    assert recommendation.verdict == "consider"
    assert recommendation.why.startswith(why)


def test_the_extensive_liver_disease_threshold_is_a_guideline_parameter(assess):
    liver = {**METS, "involvement_percent": 55}
    assert assess(liver=liver).recommendation("rfa").verdict == "consider"
    assert assess(Guideline(extensive_liver_involvement_percent=60), liver=liver).recommendation("rfa").verdict == (
        "recommended"
    )


def test_ire_does_not_defer_to_thermal_ablation_that_is_itself_refused(assess):
    recommendation = assess(liver={**METS, "max_diameter_cm": 6.0}).recommendation("ire")
    assert recommendation.verdict == "not_recommended"
    assert "will do" not in recommendation.why
