"""The three worked examples of issue 3, exactly as stated there.

Facts an example does not mention take the values of the issue's sample input (fit patient, complete work-up,
nothing found where nothing is said); placeholders of that sample (site, invasion, differentiation, heart
disease) take the example's value or, where it gives none, the one stated in a comment.
"""

import pytest

from cases.pathways.engine import Guideline, evaluate, facts_from_dict

LIVER_OPTIONS = ("liver_resection", "liver_debulking", "rfa", "mwa", "ire", "tae_tace", "sirt", "liver_transplant")
NO_LIVER = {
    "lesions": 0,
    "max_diameter_cm": None,
    "bilobar": False,
    "dominant_lesion": False,
    "involvement_percent": 0,
    "near_vital_structures": False,
    "portal_vein_thrombosis": False,
    "liver_failure": False,
    "biliary_enteric_anastomosis": False,
    "hepatopulmonary_shunt": False,
    "resectable_percent": None,
    "stable_months": None,
}
NOTHING_OUTSIDE = {"peritoneal": False, "pci": None, "extra_abdominal": False, "perihilar_nodes_only": False}
WORKUP_DONE = {
    "ct_or_mri": True,
    "sstr_imaging": True,
    "urine_5hiaa": True,
    "chromogranin_a": True,
    "echocardiogram": True,
    "nt_probnp": True,
    "histology": True,
}
HEART_OK = {"nt_probnp_pg_ml": 120, "echo_done": True, "carcinoid_heart_disease": "none", "right_heart_failure": False}

# 1. 49 y, jejunum 0.9 cm submucosa, N0, no metastases, Ki-67 1%.
EXAMPLE_1 = {
    "patient": {"age": 49, "ecog": 0, "major_comorbidity": False},
    "primary": {
        "site": "jejunum",
        "size_cm": 0.9,
        "invasion": "submucosa",
        "multifocal": False,
        "resected": False,
        "margin": None,
        "symptomatic": False,
        "portal_venous_drainage": True,
    },
    "nodes": {"positive": 0, "mass_cm": 0, "encases_mesenteric_vessels": False, "mesenteric_stage": None},
    "pathology": {"differentiation": "well", "ki67_percent": 1, "mitoses_per_2mm2": None, "small_cell": False},
    "syndrome": {"carcinoid_syndrome": False, "urine_5hiaa_elevated": False},
    "heart": HEART_OK,
    "liver": NO_LIVER,
    "extrahepatic": NOTHING_OUTSIDE,
    "workup": WORKUP_DONE,
}

# 2. 66 y, terminal ileum 2.2 cm subserosa, 6 nodes with a 2.5 cm mesenteric mass, Ki-67 5%, carcinoid syndrome,
#    two liver metastases in one lobe (max 3 cm, 100% resectable).
EXAMPLE_2 = {
    "patient": {"age": 66, "ecog": 0, "major_comorbidity": False},
    "primary": {
        "site": "terminal_ileum",
        "size_cm": 2.2,
        "invasion": "subserosa",
        "multifocal": False,
        "resected": False,
        "margin": None,
        "symptomatic": False,
        "portal_venous_drainage": True,
    },
    "nodes": {"positive": 6, "mass_cm": 2.5, "encases_mesenteric_vessels": False, "mesenteric_stage": None},
    "pathology": {"differentiation": "well", "ki67_percent": 5, "mitoses_per_2mm2": None, "small_cell": False},
    "syndrome": {"carcinoid_syndrome": True, "urine_5hiaa_elevated": None},
    "heart": HEART_OK,
    "liver": {**NO_LIVER, "lesions": 2, "max_diameter_cm": 3.0, "involvement_percent": None, "resectable_percent": 100},
    "extrahepatic": NOTHING_OUTSIDE,
    "workup": WORKUP_DONE,
}

# 3. 52 y, primary resected R0, Ki-67 12%, 20 bilobar metastases (40% of the liver), stable 9 months, nothing
#    outside the liver. Site, size and invasion of the resected primary are not given (null).
EXAMPLE_3 = {
    "patient": {"age": 52, "ecog": 0, "major_comorbidity": False},
    "primary": {
        "site": None,
        "size_cm": None,
        "invasion": None,
        "multifocal": False,
        "resected": True,
        "margin": "R0",
        "symptomatic": False,
        "portal_venous_drainage": True,
    },
    "nodes": {"positive": 4, "mass_cm": 0, "encases_mesenteric_vessels": False, "mesenteric_stage": None},
    "pathology": {"differentiation": "well", "ki67_percent": 12, "mitoses_per_2mm2": None, "small_cell": False},
    "syndrome": {"carcinoid_syndrome": False, "urine_5hiaa_elevated": False},
    "heart": HEART_OK,
    "liver": {
        **NO_LIVER,
        "lesions": 20,
        "bilobar": True,
        "involvement_percent": 40,
        "stable_months": 9,
    },
    "extrahepatic": NOTHING_OUTSIDE,
    "workup": WORKUP_DONE,
}


def assess(data):
    return evaluate(facts_from_dict(data), Guideline())


def verdicts(result) -> dict[str, str]:
    return {rec.code: rec.verdict.value for rec in result.recommendations}


def test_example_1_is_a_stage_i_g1_tumour_for_resection_only():
    result = assess(EXAMPLE_1)
    assert (result.t, result.n, result.m, result.stage, result.grade) == ("T1", "N0", "M0", "I", "G1")
    found = verdicts(result)
    assert found["primary_resection"] == "recommended"
    assert all(found[code] == "not_recommended" for code in LIVER_OPTIONS)
    assert found["adjuvant_therapy"] == "not_recommended"


def test_example_2_is_stage_iv_with_resection_of_primary_and_liver():
    result = assess(EXAMPLE_2)
    assert (result.t, result.n, result.m, result.m_category) == ("T3", "N2", "M1", "M1a")
    assert (result.stage, result.grade) == ("IV", "G2")
    found = verdicts(result)
    assert found["liver_resection"] == "recommended"
    assert found["primary_resection"] == "recommended"
    assert found["right_hemicolectomy"] == "recommended"
    assert found["ileocecal_valve_preservation"] == "not_recommended"
    assert found["perioperative_ssa"] == "recommended"


def test_example_3_refuses_transplant_for_ki67_of_twelve_percent():
    result = assess(EXAMPLE_3)
    transplant = result.recommendation("liver_transplant")
    assert transplant.verdict == "not_recommended"
    assert "Ki-67 12%: transplantation needs Ki-67 below 10%" in " ".join(transplant.reasons)
    found = verdicts(result)
    assert found["rfa"] == "not_recommended"
    assert "20 liver lesions: RFA is limited to fewer than 5 (ref 61)." in result.recommendation("rfa").reasons
    assert found["tae_tace"] in ("recommended", "consider")


@pytest.mark.parametrize("example", [EXAMPLE_1, EXAMPLE_2, EXAMPLE_3])
def test_every_example_is_fully_worked_up(example):
    assert assess(example).missing_workup == ()
