"""A case shown again (the next step, another person, meeting mode) reuses the process's assessment of the same
facts under the same thresholds (cases/pathways/services.evaluated): always the engine's own answer."""

import dataclasses

from hypothesis import HealthCheck, given, settings

from cases.pathways.engine import Guideline, evaluate, facts_from_dict
from cases.pathways.services import evaluated
from tests.pathways.conftest import merged
from tests.pathways.test_engine_properties import valid_cases


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(valid_cases)
def test_a_remembered_assessment_is_the_engines_own(data):
    facts = facts_from_dict(data)
    first = evaluated(facts, Guideline())
    assert first == evaluate(facts, Guideline())
    assert evaluated(facts_from_dict(data), Guideline()) is first  # read again: not weighed again


def test_another_guideline_version_is_assessed_afresh():
    facts = facts_from_dict(merged(primary={"size_cm": 1.5}))
    before = evaluated(facts, Guideline())
    stricter = dataclasses.replace(Guideline(), version="local 2027", t1_max_size_cm=2.0)
    after = evaluated(facts, stricter)
    assert (before.t, after.t) == ("T2", "T1")
    assert after.guideline_version == "local 2027"
    assert after == evaluate(facts, stricter)
