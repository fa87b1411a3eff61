"""A case shown again (the next step, another person, meeting mode) reuses the process's assessment of the same
facts under the same thresholds (cases/pathways/services.evaluated): always the engine's own answer."""

import copy
import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings

from cases.pathways import services
from cases.pathways.engine import Guideline, evaluate, facts_from_dict
from cases.pathways.services import assess, evaluated, facts_key
from tests.pathways.conftest import merged
from tests.pathways.test_engine_properties import valid_cases
from tests.patients.factories import STAGE_IV, make_case


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(valid_cases)
def test_a_remembered_assessment_is_the_engines_own(data):
    first = evaluated(facts_key(data), Guideline())
    assert first == evaluate(facts_from_dict(data), Guideline())
    assert evaluated(facts_key(copy.deepcopy(data)), Guideline()) is first  # read again: not weighed again


def test_another_guideline_version_is_assessed_afresh():
    key = facts_key(merged(primary={"size_cm": 1.5}))
    before = evaluated(key, Guideline())
    stricter = dataclasses.replace(Guideline(), version="local 2027", t1_max_size_cm=2.0)
    after = evaluated(key, stricter)
    assert (before.t, after.t) == ("T2", "T1")
    assert after.guideline_version == "local 2027"


def test_values_equal_but_of_another_type_are_not_mistaken_for_each_other():
    # 1 == True and hash(1) == hash(True): a count of 1 must not be answered as the boolean, or the other way.
    as_count = merged(liver={"lesions": 1})
    as_boolean = merged(liver={"lesions": True})
    assert facts_key(as_count) != facts_key(as_boolean)
    assert evaluated(facts_key(as_count), Guideline()) == evaluate(facts_from_dict(as_count), Guideline())
    with pytest.raises(ValueError):  # FactsError: a boolean is no count, and that is never remembered
        evaluated(facts_key(as_boolean), Guideline())


@pytest.mark.django_db
def test_a_case_shown_again_is_not_weighed_again(monkeypatch):
    case = make_case(**STAGE_IV)
    first = assess(case).assessment

    def not_again(facts, guideline):
        raise AssertionError("the same facts weighed again")

    monkeypatch.setattr(services, "evaluate", not_again)
    assert assess(case).assessment is first
    case.echo_done = True  # another fact: weighed afresh
    with pytest.raises(AssertionError, match="weighed again"):
        assess(case)
