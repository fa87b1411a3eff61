"""``manage.py recommend FILE``: JSON in, JSON out; invalid input exits 2 with nothing on stdout."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.pathways.engine import RECOMMENDATION_CODES

pytestmark = pytest.mark.django_db  # the command reads the active guideline version from the database

ROOT = Path(__file__).resolve().parents[2]
OUTPUT_KEYS = [
    "t", "n", "m", "m_category", "stage", "grade", "liver_pattern", "recommendations", "missing_workup",
    "guideline_version", "notes", "t_at_least",  # t_at_least since issue 17: the contract only grows
]  # fmt: skip


def run(text: str, file: str = "-") -> tuple[int, str, str]:
    """Run the command on TEXT via stdin (or on FILE); return (exit code, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("recommend", file, stdin=StringIO(text), stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_one_case_gives_one_assessment_with_the_contract_keys(baseline):
    code, out, err = run(json.dumps(baseline))
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert list(result) == OUTPUT_KEYS
    assert (result["t"], result["n"], result["m"], result["stage"], result["grade"]) == ("T1", "N0", "M0", "I", "G1")
    assert [rec["code"] for rec in result["recommendations"]] == list(RECOMMENDATION_CODES)
    # The contract only grows: "why" and "to_confirm" come after the original keys.
    assert list(result["recommendations"][0]) == [
        "code",
        "verdict",
        "title",
        "reasons",
        "citations",
        "why",
        "to_confirm",
    ]
    assert result["guideline_version"] == "seed-2018-default"  # the version the data migration activates


def test_a_list_gives_a_list_in_the_same_order(baseline):
    second = json.loads(json.dumps(baseline))
    second["primary"]["invasion"] = "serosa"
    code, out, _ = run(json.dumps([baseline, second, {}]))
    assert code == 0
    assert [item["t"] for item in json.loads(out)] == ["T1", "T4", "TX"]


def test_an_empty_list_gives_an_empty_list():
    assert run("[]")[:2] == (0, "[]\n")


def test_missing_keys_are_unknown():
    result = json.loads(run('{"liver": {"lesions": 2}}')[1])
    assert result["m"] == "M1"
    assert result["m_category"] is None
    assert result["stage"] == "IV"


def test_it_reads_a_file(tmp_path, baseline):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(baseline), encoding="utf-8")
    code, out, _ = run("", file=str(path))
    assert code == 0
    assert json.loads(out)["stage"] == "I"


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ('{"liver": {"lesions": "many"}}', ['liver.lesions: must be an integer >= 0, got "many"']),
        ('{"patient": {"major_comorbidity": "yes"}}', ["patient.major_comorbidity: must be true, false or null"]),
        ('{"patient": {"age": 1}, "nodes": {"positive": 2.5}}', ["nodes.positive: must be an integer >= 0, got 2.5"]),
        ('{"primary": {"site": "colon"}}', ['primary.site: must be one of "duodenum"']),
        ('{"pathology": {"ki67_percent": 120}}', ["pathology.ki67_percent: must be a number <= 100, got 120"]),
        ('{"liver": {"lesion": 3}}', ["liver.lesion: unknown key; allowed: lesions, "]),
        ('{"pateint": {}}', ["pateint: unknown key; allowed: patient, primary"]),
        (
            '{"liver": {"lesions": 0, "bilobar": true}}',
            ["liver.bilobar: cannot be true when liver.lesions is 0"],
        ),
        (
            '{"extrahepatic": {"perihilar_nodes_only": true, "peritoneal": true}}',
            ["extrahepatic.perihilar_nodes_only: cannot be true together with peritoneal or extra_abdominal disease"],
        ),
        ('{"primary": {"margin": "R0"}}', ["primary.margin: only meaningful when primary.resected is true"]),
        (
            '[{}, {"liver": {"lesions": -1}}, {"heart": {"carcinoid_heart_disease": "bad"}}]',
            ["[1].liver.lesions: must be an integer >= 0, got -1", "[2].heart.carcinoid_heart_disease: must be"],
        ),
        ("[3]", ["[0]: must be a JSON object, got 3"]),
        ('"case"', ['input: must be a JSON object, got "case"']),
        (
            '{\n  "liver": {"lesions": 3,}\n}',
            ["invalid JSON: Illegal trailing comma before end of object at line 2, column 25"],
        ),
        ("", ["invalid JSON: Expecting value at line 1, column 1"]),
        ('{"liver": {"lesions": 1}, "liver": {}}', ['invalid JSON: duplicate key "liver"']),
        ('{"primary": {"size_cm": 1' + "0" * 400 + "}}", ["primary.size_cm: must be a number <= 30, got 1000"]),
        ('{"patient": {"age": 1' + "0" * 5000 + "}}", ["invalid JSON: Exceeds the limit"]),
        ("[" * 100000 + "]" * 100000, ["invalid JSON: "]),
    ],
)
def test_invalid_input_exits_2_with_every_error_on_stderr_and_nothing_on_stdout(text, errors):
    code, out, err = run(text)
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == len(errors)
    for line, expected in zip(lines, errors, strict=True):
        assert line.startswith(expected), line


def test_every_option_says_why_in_one_sentence_and_what_to_confirm(baseline):
    baseline["patient"]["ecog"] = None
    baseline["liver"].update(
        {"lesions": 2, "max_diameter_cm": 2.0, "involvement_percent": 5, "resectable_percent": 100}
    )
    result = json.loads(run(json.dumps(baseline))[1])
    options = {rec["code"]: rec for rec in result["recommendations"]}
    for rec in options.values():
        assert rec["why"] == rec["reasons"][0]
        assert rec["why"].endswith(".")
    assert options["liver_resection"]["verdict"] == "recommended"
    assert options["liver_resection"]["to_confirm"] == [{"field": "patient.ecog", "label": "ECOG performance status"}]


@pytest.mark.parametrize(
    ("case", "error"),
    [
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
        ({"extrahepatic": {"peritoneal": False, "pci": 12}}, "extrahepatic.pci: cannot be above 0 when extrahepatic."),
        (
            {"primary": {"site": "unknown", "size_cm": 2}},
            'primary.size_cm: must be null when primary.site is "unknown"',
        ),
        ({"nodes": {"positive": 0, "mass_cm": 0, "mesenteric_stage": 3}}, "nodes.mesenteric_stage: must be null when"),
    ],
)
def test_contradictory_input_exits_2_naming_the_field(case, error):
    code, out, err = run(json.dumps(case))
    assert (code, out) == (2, "")
    assert err.splitlines() == [line for line in err.splitlines() if line.startswith(error)]


def test_a_contradiction_in_a_list_names_its_position():
    code, out, err = run(json.dumps([{}, {"extrahepatic": {"peritoneal": False, "pci": 3}}]))
    assert (code, out) == (2, "")
    assert err.startswith("[1].extrahepatic.pci: cannot be above 0")


def test_all_bad_fields_are_reported_at_once():
    code, out, err = run('{"patient": {"age": "old", "ecog": 7}, "liver": {"lesions": "many", "bilobar": 1}}')
    assert (code, out) == (2, "")
    assert [line.split(":")[0] for line in err.splitlines()] == [
        "patient.age", "patient.ecog", "liver.lesions", "liver.bilobar"
    ]  # fmt: skip


def test_a_missing_file_exits_2_and_names_it(tmp_path):
    missing = tmp_path / "nope.json"
    code, out, err = run("", file=str(missing))
    assert (code, out) == (2, "")
    assert err.strip() == f"cannot read {missing}: No such file or directory"


@pytest.fixture(scope="module")
def migrated_env(tmp_path_factory):
    """Environment for a real `manage.py` process on its own freshly migrated SQLite database."""
    database = tmp_path_factory.mktemp("recommend") / "db.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    return env


def test_the_real_process_exits_2_with_an_empty_stdout(migrated_env):
    done = subprocess.run(
        [sys.executable, "manage.py", "recommend", "-"], env=migrated_env,
        cwd=ROOT, input='{"liver": {"lesions": "many"}}', capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith('liver.lesions: must be an integer >= 0, got "many"')


def test_the_real_process_prints_json_and_exits_0(baseline, migrated_env):
    done = subprocess.run(
        [sys.executable, "manage.py", "recommend", "-"], env=migrated_env,
        cwd=ROOT, input=json.dumps([baseline]), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)[0]["stage"] == "I"
    assert json.loads(done.stdout)[0]["guideline_version"] == "seed-2018-default"
