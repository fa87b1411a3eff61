"""`manage.py guideline_impact DRAFT_ID`: the preview's matrix as a table or JSON, exit 0; a bad id exits 2 with
the reason on stderr and nothing on stdout. Nothing is stored."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from cases.pathways.models import GuidelineImpact, GuidelineImpactCase
from tests.pathways.impact_cases import hand_counted_cases, identifiers, make_draft, seed_version

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("guideline_impact", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def draft(content_editor):
    return make_draft(content_editor)


def test_it_prints_the_matrix_as_a_table(draft):
    hand_counted_cases()
    code, out, err = run(draft.name)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Impact of local-2027-01 (draft, number {draft.pk}) against seed-2018-default (in force)"
    assert "  Debulking: share of liver tumour burden resected, at least (%): 70 → 95" in lines
    assert "Open cases: 7, of which 2 would be assessed differently. 1 cannot be assessed" in out
    block = lines[lines.index("Debulking liver surgery: 2 cases change") :][:5]
    assert block[1].split() == ["from", "\\", "to", "Recommended", "Consider", "Not", "recommended"]
    assert block[2].split() == ["Recommended", "0", "0", "0"]
    assert block[3].split() == ["Consider", "0", "1", "2"]
    assert block[4].split() == ["Not", "recommended", "0", "0", "3"]
    assert "Stage: no change" in lines
    assert not GuidelineImpact.objects.exists() and not GuidelineImpactCase.objects.exists()


def test_it_prints_the_same_counts_as_json_by_name_or_number(draft):
    cases = hand_counted_cases()
    code, out, err = run(draft.name, "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["draft"] == {"id": draft.pk, "name": "local-2027-01", "thresholds": draft.thresholds()}
    assert data["baseline"] == {"name": "seed-2018-default", "thresholds": seed_version().thresholds()}
    assert data["cases"] == {"open": 7, "assessed": 6, "not_assessable": 1, "changed": 2}
    (debulking,) = [o for o in data["options"] if o["code"] == "liver_debulking"]
    assert debulking["matrix"]["consider"] == {"recommended": 0, "consider": 1, "not_recommended": 2}
    assert [secret for secret in identifiers(cases.values()) if secret in out] == []
    assert json.loads(run(str(draft.pk), "--json")[1]) == data


def test_a_change_that_changes_nothing_says_no_change(content_editor):
    hand_counted_cases()
    draft = make_draft(content_editor, lymph_node_min=12)  # said in the reasons, decides no verdict
    code, out, _ = run(draft.name)
    assert code == 0
    assert "No change: every open case keeps its verdicts, T, N, stage and grade." in out
    assert "Open cases: 7, of which 0 would be assessed differently." in out


@pytest.mark.parametrize(
    ("draft_id", "message"),
    [
        ("no-such-version", "no guideline version is named or numbered 'no-such-version'"),
        ("9999", "no guideline version is named or numbered '9999'"),
        ("-1", "no guideline version is named or numbered '-1'"),
        ("", "no guideline version is named or numbered ''"),
    ],
)
def test_an_unknown_id_exits_2_with_the_reason_on_stderr_and_nothing_on_stdout(draft, draft_id, message):
    code, out, err = run(draft_id)
    assert (code, out) == (2, "")
    assert message in err


def test_a_version_that_is_not_a_draft_exits_2(draft):
    for version_id in (seed_version().name, str(seed_version().pk)):
        code, out, err = run(version_id, "--json")
        assert (code, out) == (2, "")
        assert "'seed-2018-default' is active, not a draft" in err
