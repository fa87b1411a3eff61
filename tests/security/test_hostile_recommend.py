"""`manage.py recommend` takes any JSON, and any text that is not JSON, without crashing.

The contract (cases/pathways/management/commands/recommend.py): exit 0 with JSON on stdout, or exit 2 with
nothing on stdout and the problems on stderr. Anything else (a traceback) is a failure.
"""

import copy
import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.pathways.management.commands.recommend import MAX_INPUT_BYTES
from tests.pathways.conftest import BASELINE
from tests.security import servers
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


def run(text: str, file: str = "-") -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("recommend", file, stdin=StringIO(text), stdout=out, stderr=err)
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


@given(changes=st.lists(st.tuples(st.sampled_from(list(all_paths(BASELINE))), json_values), min_size=1, max_size=6))
@EXAMPLES
def test_a_real_case_with_hostile_values_in_its_fields_is_assessed_or_refused(changes):
    facts = copy.deepcopy(BASELINE)
    for (group, key), value in changes:
        facts[group][key] = value
    assert_contract(*run(json.dumps(facts)))


def test_a_very_long_list_of_cases_is_handled():
    code, out, _ = run(json.dumps([BASELINE] * 300))
    assert code == 0 and len(json.loads(out)) == 300


# --- input size: refused above the limit, and the memory stays bounded --------------------------------------


def test_input_of_exactly_the_limit_is_read_and_one_byte_more_is_refused():
    at_limit = "[]" + " " * (MAX_INPUT_BYTES - 2)
    assert run(at_limit)[:2] == (0, "[]\n")
    code, out, err = run(at_limit + " ")
    assert (code, out) == (2, "")
    assert err.strip() == (
        "input too large: standard input holds more than 10 MB (about 7,500 cases); split the list over several runs"
    )


def test_a_file_over_the_limit_is_refused_naming_it(tmp_path):
    big = tmp_path / "cases.json"
    big.write_text(json.dumps([BASELINE] * (MAX_INPUT_BYTES // len(json.dumps(BASELINE)) + 10)))
    code, out, err = run("", file=str(big))
    assert (code, out) == (2, "")
    assert err.startswith(f"input too large: {big} holds more than 10 MB")


def test_a_long_list_is_written_as_the_same_json_a_single_dump_gives():
    code, out, _ = run(json.dumps([BASELINE, {}, BASELINE]))
    assert code == 0
    assert out == json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    return servers.migrated_sqlite(tmp_path_factory.mktemp("recommend") / "db.sqlite3")


# Sets the cap in the child itself, then becomes `manage.py recommend -` (no preexec_fn in a threaded pytest).
CAPPED = (
    "import os, resource, sys; limit = int(sys.argv[1]) * 1024 * 1024; "
    "resource.setrlimit(resource.RLIMIT_AS, (limit, limit)); "
    "os.execv(sys.executable, [sys.executable, 'manage.py', 'recommend', '-'])"
)


def run_capped(stdin: bytes, database_url: str, megabytes: int) -> subprocess.CompletedProcess:
    """Run `manage.py recommend -` in its own process with at most MEGABYTES of address space."""
    return subprocess.run(
        [sys.executable, "-c", CAPPED, str(megabytes)],
        cwd=servers.ROOT,
        env=servers.clean_env(DATABASE_URL=database_url),
        input=stdin,
        capture_output=True,
        timeout=300,
        check=False,
    )


def cases_json(megabytes: float) -> bytes:
    one = json.dumps(BASELINE)
    return json.dumps([BASELINE] * int(megabytes * 1024 * 1024 / (len(one) + 2))).encode()


def test_fifty_megabytes_of_valid_cases_exit_2_with_a_message_not_a_memory_error(database_url):
    done = run_capped(cases_json(50), database_url, megabytes=512)
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode().startswith("input too large: standard input holds more than 10 MB")
    assert b"Traceback" not in done.stderr


def test_a_list_just_under_the_limit_is_assessed_within_320_megabytes(database_url):
    """About 7,500 cases: parsed whole (they are validated before any output), written one by one."""
    stdin = cases_json(9.9)
    done = run_capped(stdin, database_url, megabytes=320)
    assert (done.returncode, done.stderr) == (0, b"")
    assert len(json.loads(done.stdout)) == len(json.loads(stdin))
