"""Strict parsing of case facts: types, enums, plausibility bounds, unknown keys and contradictions."""

import pytest

from cases.pathways.engine import FACT_LABELS, CaseFacts, FactsError, contradictions, facts_from_dict, facts_to_dict
from cases.pathways.engine.facts import Extrahepatic


def errors_of(data, prefix=""):
    with pytest.raises(FactsError) as caught:
        facts_from_dict(data, prefix=prefix)
    return caught.value.errors


def test_missing_keys_and_groups_are_unknown():
    facts = facts_from_dict({"liver": {"lesions": 3}})
    assert facts.liver.lesions == 3
    assert facts.liver.bilobar is None
    assert facts.patient.age is None


def test_a_null_group_is_all_unknown():
    assert facts_from_dict({"heart": None}).heart.echo_done is None


def test_facts_survive_a_round_trip_through_the_dict_form(baseline):
    facts = facts_from_dict(baseline)
    assert facts_from_dict(facts_to_dict(facts)) == facts


def test_the_dict_form_has_every_key_even_when_unknown():
    data = facts_to_dict(CaseFacts())
    assert data["liver"]["resectable_percent"] is None
    assert set(data) == {
        "patient", "primary", "nodes", "pathology", "syndrome", "heart", "liver", "extrahepatic", "workup",
        "biochemistry",
    }  # fmt: skip


def test_the_issues_error_message_reads_exactly_as_in_the_contract():
    (error,) = errors_of({"liver": {"lesions": "many"}})
    assert error.startswith('liver.lesions: must be an integer >= 0, got "many"')
    assert "0 to 1000" in error


@pytest.mark.parametrize(
    ("group", "key", "value", "message"),
    [
        ("patient", "major_comorbidity", "yes", 'must be true, false or null, got "yes"'),
        ("patient", "major_comorbidity", 1, "must be true, false or null, got 1"),
        ("patient", "major_comorbidity", 0, "must be true, false or null, got 0"),
        ("patient", "age", True, "must be an integer >= 0, got true"),
        ("patient", "age", 58.5, "must be an integer >= 0, got 58.5"),
        ("patient", "age", 58.0, "must be an integer >= 0, got 58.0"),
        ("patient", "age", "58", 'must be an integer >= 0, got "58"'),
        ("patient", "age", 121, "must be an integer <= 120, got 121"),
        ("patient", "age", -1, "must be an integer >= 0, got -1"),
        ("patient", "ecog", 5, "must be an integer <= 4, got 5"),
        ("primary", "size_cm", 0, "must be a number > 0, got 0"),
        ("primary", "size_cm", 30.1, "must be a number <= 30, got 30.1"),
        ("primary", "size_cm", "1.5", 'must be a number > 0, got "1.5"'),
        ("primary", "size_cm", float("nan"), "must be a number > 0, got NaN"),
        ("primary", "size_cm", float("inf"), "must be a number > 0, got Infinity"),
        ("primary", "site", "colon", 'must be one of "duodenum", "jejunum", "ileum", "terminal_ileum", "unknown"'),
        ("primary", "margin", "r0", 'must be one of "R0", "R1", "R2" or null, got "r0"'),
        ("primary", "invasion", 3, "must be one of"),
        ("nodes", "positive", 201, "must be an integer <= 200, got 201"),
        ("nodes", "positive", 2.5, "must be an integer >= 0, got 2.5"),
        ("nodes", "mass_cm", -0.5, "must be a number >= 0, got -0.5"),
        ("nodes", "mesenteric_stage", 0, "must be an integer >= 1, got 0"),
        ("nodes", "mesenteric_stage", 5, "must be an integer <= 4, got 5"),
        ("pathology", "ki67_percent", 100.5, "must be a number <= 100, got 100.5"),
        ("pathology", "mitoses_per_2mm2", 501, "must be a number <= 500, got 501"),
        ("pathology", "differentiation", "moderate", 'must be one of "well", "poor" or null, got "moderate"'),
        ("heart", "nt_probnp_pg_ml", 100001, "must be a number <= 100000, got 100001"),
        ("heart", "carcinoid_heart_disease", "severe", 'must be one of "none", "mild", "advanced"'),
        ("liver", "lesions", 1001, "must be an integer <= 1000, got 1001"),
        ("liver", "max_diameter_cm", 0, "must be a number > 0, got 0"),
        ("liver", "involvement_percent", 101, "must be a number <= 100, got 101"),
        ("liver", "resectable_percent", -1, "must be a number >= 0, got -1"),
        ("liver", "stable_months", 601, "must be an integer <= 600, got 601"),
        ("extrahepatic", "pci", 40, "must be an integer <= 39, got 40"),
        ("workup", "fdg_pet", "done", 'must be true, false or null, got "done"'),
    ],
)
def test_a_bad_value_is_named_with_what_is_allowed(group, key, value, message):
    (error,) = errors_of({group: {key: value}})
    assert error.startswith(f"{group}.{key}: ")
    assert message in error


@pytest.mark.parametrize(
    ("group", "key", "value"),
    [
        ("patient", "age", 0),
        ("patient", "age", 120),
        ("patient", "ecog", 4),
        ("primary", "size_cm", 30),
        ("primary", "size_cm", 0.1),
        ("nodes", "mass_cm", 0),
        ("nodes", "positive", 200),
        ("pathology", "ki67_percent", 100),
        ("liver", "lesions", 1000),
        ("liver", "stable_months", 600),
        ("extrahepatic", "pci", 39),
        ("nodes", "mesenteric_stage", 4),
    ],
)
def test_values_on_the_plausibility_bounds_are_accepted(group, key, value):
    facts = facts_from_dict({group: {key: value}})
    assert getattr(getattr(facts, group), key) == value


def test_every_bad_field_is_reported_at_once():
    errors = errors_of({"patient": {"age": "old", "ecog": 9}, "liver": {"lesions": "many"}})
    assert [error.split(":")[0] for error in errors] == ["patient.age", "patient.ecog", "liver.lesions"]


def test_an_unknown_key_is_named_with_the_allowed_keys():
    (error,) = errors_of({"liver": {"lesion": 3}})
    assert error.startswith("liver.lesion: unknown key; allowed: lesions, max_diameter_cm")


def test_an_unknown_group_is_named_with_the_allowed_groups():
    (error,) = errors_of({"pateint": {}})
    assert error == (
        "pateint: unknown key; allowed: patient, primary, nodes, pathology, syndrome, heart, liver, extrahepatic, "
        "workup, biochemistry"
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ([1, 2], "input: must be a JSON object, got [1, 2]"),
        ({"liver": 3}, "liver: must be an object or null, got 3"),
    ],
)
def test_a_value_of_the_wrong_shape_is_refused(data, error):
    assert errors_of(data) == (error,)


def test_a_prefix_marks_the_position_in_a_list():
    assert errors_of({"liver": {"lesions": -1}}, prefix="[1]")[0].startswith("[1].liver.lesions: ")
    assert errors_of(3, prefix="[0]") == ("[0]: must be a JSON object, got 3",)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"liver": {"lesions": 0, "bilobar": True}}, "liver.bilobar: cannot be true when liver.lesions is 0"),
        ({"liver": {"lesions": 0, "dominant_lesion": True}}, "liver.dominant_lesion: cannot be true when"),
        ({"liver": {"lesions": 0, "near_vital_structures": True}}, "liver.near_vital_structures: cannot be true"),
        ({"liver": {"lesions": 0, "max_diameter_cm": 2}}, "liver.max_diameter_cm: must be null when liver.lesions"),
        ({"liver": {"lesions": 0, "resectable_percent": 100}}, "liver.resectable_percent: must be null when"),
        ({"liver": {"lesions": 0, "involvement_percent": 5}}, "liver.involvement_percent: must be 0 or null"),
        (
            {"extrahepatic": {"perihilar_nodes_only": True, "peritoneal": True}},
            "extrahepatic.perihilar_nodes_only: cannot be true together with peritoneal or extra_abdominal disease",
        ),
        (
            {"extrahepatic": {"perihilar_nodes_only": True, "extra_abdominal": True}},
            "extrahepatic.perihilar_nodes_only: cannot be true together with",
        ),
        ({"primary": {"margin": "R0"}}, "primary.margin: only meaningful when primary.resected is true"),
        ({"primary": {"margin": "R1", "resected": False}}, "primary.margin: only meaningful when primary.resected"),
        ({"primary": {"site": "unknown", "resected": True}}, "primary.resected: cannot be true when primary.site"),
        (
            {"primary": {"emergency_presentation": True, "symptomatic": False}},
            "primary.symptomatic: cannot be false when primary.emergency_presentation is true",
        ),
        (
            {"pathology": {"differentiation": "well", "small_cell": True}},
            'pathology.small_cell: cannot be true when pathology.differentiation is "well"',
        ),
        ({"extrahepatic": {"peritoneal": False, "pci": 4}}, "extrahepatic.pci: cannot be above 0 when"),
        ({"extrahepatic": {"peritoneal": True, "pci": 0}}, "extrahepatic.pci: cannot be 0 when"),
        (
            {
                "extrahepatic": {
                    "progressive": True,
                    "peritoneal": False,
                    "extra_abdominal": False,
                    "perihilar_nodes_only": False,
                }
            },
            "extrahepatic.progressive: cannot be true when no extrahepatic disease is recorded",
        ),
        (
            {"primary": {"site": "unknown", "size_cm": 1.2}},
            'primary.size_cm: must be null when primary.site is "unknown"',
        ),
        ({"primary": {"site": "unknown", "invasion": "serosa"}}, "primary.invasion: must be null when primary.site"),
        (
            {"nodes": {"positive": 0, "mass_cm": 0, "mesenteric_stage": 2}},
            "nodes.mesenteric_stage: must be null when nodes.positive is 0 and nodes.mass_cm is 0",
        ),
        (
            {"nodes": {"positive": 0, "mass_cm": 0, "encases_mesenteric_vessels": True}},
            "nodes.encases_mesenteric_vessels: cannot be true when nodes.positive is 0",
        ),
        ({"heart": {"echo_done": True}, "workup": {"echocardiogram": False}}, "workup.echocardiogram: contradicts"),
        (
            {"heart": {"nt_probnp_pg_ml": 300}, "workup": {"nt_probnp": False}},
            "workup.nt_probnp: cannot be false when heart.nt_probnp_pg_ml is given",
        ),
    ],
)
def test_contradicting_facts_are_refused_with_both_fields_named(data, error):
    errors = errors_of(data)
    assert len(errors) == 1
    assert errors[0].startswith(error)


def test_cross_field_checks_skip_a_field_that_was_itself_invalid():
    assert errors_of({"liver": {"lesions": "none", "bilobar": True}}) == (
        'liver.lesions: must be an integer >= 0, got "none" (allowed: 0 to 1000, or null if unknown)',
    )


def test_a_margin_is_accepted_for_a_resected_primary():
    assert facts_from_dict({"primary": {"resected": True, "margin": "R1"}}).primary.margin == "R1"


def test_numbers_are_stored_as_floats_and_counts_as_ints():
    facts = facts_from_dict({"primary": {"size_cm": 2}, "liver": {"lesions": 3}})
    assert isinstance(facts.primary.size_cm, float)
    assert isinstance(facts.liver.lesions, int)


@pytest.mark.parametrize(
    "data",
    [
        {"extrahepatic": {"progressive": True, "peritoneal": True, "pci": 4}},
        {"extrahepatic": {"progressive": True, "perihilar_nodes_only": True}},
        {"extrahepatic": {"progressive": True}},  # the sites unknown: not a contradiction
        {"extrahepatic": {"peritoneal": False, "pci": 0}},
        {"nodes": {"positive": 0, "mass_cm": 3, "mesenteric_stage": 2}},  # a mass without counted nodes
        {"primary": {"site": "unknown", "symptomatic": True}},
    ],
)
def test_consistent_combinations_are_accepted(data):
    facts_from_dict(data)


def test_contradictions_are_one_function_that_the_forms_share():
    """The forms (cases/pathways/forms.py) refuse the same combinations through facts_from_dict."""
    facts = CaseFacts(
        extrahepatic=Extrahepatic(
            progressive=True, peritoneal=False, extra_abdominal=False, perihilar_nodes_only=False, pci=3
        )
    )
    assert contradictions(facts) == {
        "extrahepatic.pci": "cannot be above 0 when extrahepatic.peritoneal is false",
        "extrahepatic.progressive": "cannot be true when no extrahepatic disease is recorded "
        "(extrahepatic.peritoneal, extrahepatic.extra_abdominal and extrahepatic.perihilar_nodes_only are all false)",
    }


def test_every_fact_has_a_label_for_the_to_confirm_list():
    assert set(FACT_LABELS) == {
        f"{group}.{key}" for group, fields in facts_to_dict(CaseFacts()).items() for key in fields
    }
    assert all(label and label == label.strip() for label in FACT_LABELS.values())
