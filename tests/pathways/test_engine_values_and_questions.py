"""The engine's contract grows (issue 17): values behind the booleans, which questions are asked when, the
lowest T the facts already give, and the lymph nodes examined."""

import json

import pytest

from cases.pathways.engine import (
    CaseFacts,
    FactsError,
    Guideline,
    assessment_to_dict,
    evaluate,
    facts_from_dict,
)
from cases.pathways.engine.facts import Biochemistry, Syndrome, Workup
from cases.pathways.engine.questions import LIVER_METASTASES, PERITONEAL, QUESTIONS, is_asked, value_at

HIAA_MG = {"urine_5hiaa_unit": "mg/24h", "urine_5hiaa_uln": 10}


def errors_of(data):
    with pytest.raises(FactsError) as caught:
        facts_from_dict(data)
    return caught.value.errors


# --- values behind the booleans -----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "raised"), [(25, True), (10, False), (4.5, False)])
def test_raised_urine_5hiaa_follows_from_the_value_and_its_upper_limit(value, raised):
    facts = facts_from_dict({"biochemistry": {"urine_5hiaa": value, **HIAA_MG}})
    assert facts.syndrome.urine_5hiaa_elevated is raised  # equal to the limit is not above it
    assert facts.workup.urine_5hiaa is True  # a value proves it was measured


def test_raised_chromogranin_a_follows_from_its_value_and_upper_limit():
    facts = facts_from_dict(
        {"biochemistry": {"chromogranin_a": 310, "chromogranin_a_unit": "ng/mL", "chromogranin_a_uln": 100}}
    )
    assert facts.biochemistry.chromogranin_a_elevated is True
    assert facts.workup.chromogranin_a is True


def test_raised_may_be_given_alone_when_only_that_is_known():
    facts = facts_from_dict({"syndrome": {"urine_5hiaa_elevated": True}})
    assert facts.syndrome.urine_5hiaa_elevated is True
    assert facts.workup.urine_5hiaa is None  # the old contract's meaning is unchanged


def test_a_raised_answer_that_contradicts_the_values_is_refused_with_both_named():
    (error,) = errors_of({"syndrome": {"urine_5hiaa_elevated": False}, "biochemistry": {"urine_5hiaa": 25, **HIAA_MG}})
    assert error == (
        "syndrome.urine_5hiaa_elevated: cannot be false when biochemistry.urine_5hiaa (25) is above "
        "biochemistry.urine_5hiaa_uln (10)"
    )


@pytest.mark.parametrize(
    ("biochemistry", "message"),
    [
        ({"urine_5hiaa": 25}, "biochemistry.urine_5hiaa_unit: must be given with biochemistry.urine_5hiaa"),
        ({"chromogranin_a_uln": 100}, "biochemistry.chromogranin_a_unit: must be given with"),
    ],
)
def test_a_value_without_its_unit_is_refused(biochemistry, message):
    assert any(error.startswith(message) for error in errors_of({"biochemistry": biochemistry}))


def test_a_work_up_item_cannot_be_not_done_with_its_value_recorded():
    errors = errors_of({"workup": {"urine_5hiaa": False}, "biochemistry": {"urine_5hiaa": 3, **HIAA_MG}})
    assert errors == ("workup.urine_5hiaa: cannot be false when biochemistry.urine_5hiaa is given",)


def test_a_raised_value_asks_for_the_cardiac_work_up_as_the_boolean_did():
    """The derived boolean drives the rules: raised 5-HIAA needs an echocardiogram and NT-proBNP (ref 10)."""
    assessment = evaluate(facts_from_dict({"biochemistry": {"urine_5hiaa": 25, **HIAA_MG}}), Guideline())
    assert {"echocardiogram", "nt_probnp"} <= set(assessment.missing_workup)
    assert "urine_5hiaa" not in assessment.missing_workup


def test_facts_built_directly_get_the_same_derived_booleans():
    direct = CaseFacts(biochemistry=Biochemistry(urine_5hiaa=25, urine_5hiaa_unit="mg/24h", urine_5hiaa_uln=10))
    stated = CaseFacts(syndrome=Syndrome(urine_5hiaa_elevated=True), workup=Workup(urine_5hiaa=True))
    assert evaluate(direct, Guideline()).missing_workup == evaluate(stated, Guideline()).missing_workup


# --- which questions are asked when ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"extrahepatic": {"peritoneal": False, "pci": 12}}, "extrahepatic.pci: cannot be above 0"),
        ({"liver": {"lesions": 0, "resectable_percent": 80}}, "liver.resectable_percent: must be null"),
        ({"liver": {"lesions": 0, "near_vital_structures": True}}, "liver.near_vital_structures: cannot be true"),
        ({"primary": {"margin": "R0"}}, "primary.margin: only meaningful when primary.resected is true"),
    ],
)
def test_a_value_a_known_answer_rules_out_is_refused_from_the_one_table(data, message):
    assert any(error.startswith(message) for error in errors_of(data))


@pytest.mark.parametrize(
    "data",
    [
        {"extrahepatic": {"peritoneal": False, "pci": 0}},  # a PCI of 0 agrees with no peritoneal disease
        {"extrahepatic": {"pci": 6}},  # unknown peritoneal disease: the PCI says there is
        {"liver": {"lesions": 0, "liver_failure": True}},  # asked with metastases only, but not ruled out
        {"nodes": {"examined": 5, "positive": 9}},  # implausible, not contradictory (the forms ask to confirm)
    ],
)
def test_values_the_table_does_not_rule_out_are_accepted(data):
    facts_from_dict(data)


def test_the_pci_is_asked_only_when_peritoneal_disease_is_yes():
    question = QUESTIONS["extrahepatic.pci"]
    for peritoneal, asked in ((True, True), (False, False), (None, False)):
        facts = facts_from_dict({"extrahepatic": {"peritoneal": peritoneal}})
        assert is_asked(question, lambda path, f=facts: value_at(f, path)) is asked
    assert question.when == (PERITONEAL,)


def test_every_liver_step_question_is_asked_only_with_liver_metastases():
    liver_step = [path for path in QUESTIONS if path.startswith("liver.")] + ["primary.portal_venous_drainage"]
    assert all(LIVER_METASTASES in QUESTIONS[path].when for path in liver_step)


# --- T at least, nodes examined ------------------------------------------------------------------------------


def test_t_is_tx_but_at_least_t2_when_a_primary_over_1_cm_has_no_recorded_depth():
    assessment = evaluate(facts_from_dict({"primary": {"site": "ileum", "size_cm": 2.2}}), Guideline())
    assert (assessment.t, assessment.t_at_least) == ("TX", "T2")
    output = assessment_to_dict(assessment)
    assert list(output)[-1] == "t_at_least"  # the contract only grows: new keys come last
    assert json.loads(json.dumps(output))["t_at_least"] == "T2"


@pytest.mark.parametrize(
    "primary",
    [
        {"site": "ileum", "size_cm": 0.8},
        {"site": "ileum", "size_cm": 2.2, "invasion": "subserosa"},
        {"site": "unknown"},
    ],
)
def test_there_is_no_at_least_when_the_facts_give_none_or_t_is_known(primary):
    assert evaluate(facts_from_dict({"primary": primary}), Guideline()).t_at_least is None


def test_fewer_nodes_examined_than_the_seed_advises_are_noted_with_its_passage():
    assessment = evaluate(facts_from_dict({"nodes": {"positive": 2, "examined": 6}}), Guideline())
    (note,) = [note for note in assessment.notes if "examined" in note]
    assert note.startswith("6 lymph nodes examined (2 positive): fewer than the 8")
    assert "refs 10, 14, 20, or 12, ref 23" in note
    assert assessment.n == "N1"  # the count is stated, not turned into a stage


def test_enough_nodes_examined_are_noted_as_such():
    assessment = evaluate(facts_from_dict({"nodes": {"positive": 0, "examined": 14}}), Guideline())
    assert any(note.startswith("14 lymph nodes examined (0 positive): at least the 8") for note in assessment.notes)
