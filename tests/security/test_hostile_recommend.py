"""`manage.py recommend` takes any JSON, and any text that is not JSON, without crashing.

The contract (cases/pathways/management/commands/recommend.py): exit 0 with JSON on stdout, or exit 2 with
nothing on stdout and the problems on stderr. Anything else (a traceback) is a failure.
"""

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pathways.conftest import BASELINE
from tests.security.hostile import NASTY

pytestmark = pytest.mark.django_db

EXAMPLES = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(NASTY),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def run(text: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("recommend", "-", stdin=StringIO(text), stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def assert_contract(code: int, out: str, err: str) -> None:
    assert code in {0, 2}
    if code == 0:
        json.loads(out)
    else:
        assert out == ""
        assert err.strip() != ""


@given(value=json_values)
@EXAMPLES
def test_any_json_value_is_assessed_or_refused_with_reasons(value):
    assert_contract(*run(json.dumps(value)))


@given(text=st.one_of(st.text(max_size=200), st.sampled_from(["{", "[1,", "NaN", '{"a": 1, "a": 2}', "\ufeff{}"])))
@EXAMPLES
def test_any_text_is_assessed_or_refused_with_reasons(text):
    assert_contract(*run(text))


def all_paths(facts: dict):
    for group, values in facts.items():
        for key in values:
            yield group, key


@given(
    changes=st.lists(
        st.tuples(st.sampled_from(list(all_paths(BASELINE))), json_values), min_size=1, max_size=6
    )
)
@EXAMPLES
def test_a_real_case_with_hostile_values_in_its_fields_is_assessed_or_refused(changes):
    facts = copy.deepcopy(BASELINE)
    for (group, key), value in changes:
        facts[group][key] = value
    assert_contract(*run(json.dumps(facts)))


def test_a_very_long_list_of_cases_is_handled():
    code, out, _ = run(json.dumps([BASELINE] * 300))
    assert code == 0 and len(json.loads(out)) == 300
