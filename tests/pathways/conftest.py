"""Fixtures for the engine tests: a fully recorded baseline case that each test changes where it matters."""

import copy

import pytest

from cases.pathways.engine import Guideline, evaluate, facts_from_dict

# A fit 45-year-old with a small jejunal T1 N0 M0 G1 tumour and a complete work-up: every fact recorded, so a
# test that changes one fact sees that fact's effect and nothing else.
BASELINE = {
    "patient": {"age": 45, "ecog": 0, "major_comorbidity": False, "family_history": False},
    "primary": {
        "site": "jejunum",
        "size_cm": 0.8,
        "invasion": "submucosa",
        "multifocal": False,
        "resected": False,
        "margin": None,
        "symptomatic": False,
        "portal_venous_drainage": True,
        "emergency_presentation": False,
    },
    "nodes": {"positive": 0, "mass_cm": 0, "encases_mesenteric_vessels": False, "mesenteric_stage": None},
    "pathology": {"differentiation": "well", "ki67_percent": 1, "mitoses_per_2mm2": 1, "small_cell": False},
    "syndrome": {"carcinoid_syndrome": False, "urine_5hiaa_elevated": False},
    "heart": {
        "nt_probnp_pg_ml": 100,
        "echo_done": True,
        "carcinoid_heart_disease": "none",
        "right_heart_failure": False,
    },
    "liver": {
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
    },
    "extrahepatic": {
        "peritoneal": False,
        "pci": None,
        "extra_abdominal": False,
        "perihilar_nodes_only": False,
        "progressive": False,
    },
    "workup": {
        "ct_or_mri": True,
        "sstr_imaging": True,
        "urine_5hiaa": True,
        "chromogranin_a": True,
        "echocardiogram": True,
        "nt_probnp": True,
        "histology": True,
        "fdg_pet": None,
    },
}

# Three liver metastases in one lobe, small, fully resectable, away from vital structures.
LIVER_METASTASES = {
    "lesions": 3,
    "max_diameter_cm": 2.0,
    "bilobar": False,
    "dominant_lesion": False,
    "involvement_percent": 10,
    "near_vital_structures": False,
    "portal_vein_thrombosis": False,
    "liver_failure": False,
    "biliary_enteric_anastomosis": False,
    "hepatopulmonary_shunt": False,
    "resectable_percent": 100,
    "stable_months": 12,
}


def merged(**groups) -> dict:
    """Return the baseline with each group's given keys replaced."""
    data = copy.deepcopy(BASELINE)
    for group, values in groups.items():
        data[group].update(values)
    return data


@pytest.fixture
def build():
    """Return ``build(**groups) -> CaseFacts``: the baseline with the given facts changed."""
    return lambda **groups: facts_from_dict(merged(**groups))


@pytest.fixture
def assess():
    """Return ``assess(guideline=None, **groups) -> Assessment`` for the baseline with the given facts changed."""

    def run(guideline: Guideline | None = None, **groups):
        return evaluate(facts_from_dict(merged(**groups)), guideline or Guideline())

    return run


@pytest.fixture
def liver():
    """Return ``liver(**changes)``: the liver group of a case with three small resectable metastases."""
    return lambda **changes: {**LIVER_METASTASES, **changes}


@pytest.fixture
def baseline():
    return copy.deepcopy(BASELINE)
