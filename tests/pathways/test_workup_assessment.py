"""Lists of cases (the agenda, the dashboard) show each case's missing work-up from `assess_workup`, which stages the
case without weighing the options: it must say exactly what the full assessment says."""

import pytest

from cases.pathways import services
from cases.pathways.services import assess, assess_workup
from cases.patients.demo import DEMO_CASES
from cases.patients.models import Case
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("demo", DEMO_CASES, ids=[demo["patient"][0] for demo in DEMO_CASES])
def test_assess_workup_names_the_missing_work_up_the_assessment_names(demo):
    case = make_case(**{name: Case._meta.get_field(name).to_python(value) for name, value in demo["findings"].items()})
    assert assess_workup(case).missing_workup == assess(case).assessment.missing_workup


@pytest.mark.parametrize(
    "findings", [{}, STAGE_IV, {"carcinoid_syndrome": True}], ids=["nothing", "stage-iv", "syndrome"]
)
def test_assess_workup_of_partly_recorded_cases_matches_too(findings):
    case = make_case(**findings)
    assert assess_workup(case).missing_workup == assess(case).assessment.missing_workup
    assert assess_workup(case).errors == ()


def test_contradictory_findings_are_reported_not_staged():
    case = make_case(**STAGE_IV)
    Case.objects.filter(pk=case.pk).update(liver_lesions=0)  # liver detail recorded, no lesions: a contradiction
    case.refresh_from_db()
    assert assess_workup(case).errors == assess(case).errors
    assert assess_workup(case).errors


def test_the_work_up_follows_a_changed_finding_at_once():
    # Work-ups are remembered by the facts they come from: a case assessed a moment ago, then changed, is new.
    case = make_case(**STAGE_IV)
    assert "sstr_imaging" in assess_workup(case).missing_workup
    case.sstr_imaging_done = True
    case.save()
    assert "sstr_imaging" not in assess_workup(case).missing_workup
    case.liver_lesions = 0  # and a contradiction recorded since is reported, not an earlier answer
    assert assess_workup(case).errors


def test_a_case_read_again_is_not_staged_again(monkeypatch):
    case = make_case(**STAGE_IV)
    first = assess_workup(case)

    def not_again(data):
        raise AssertionError("the same facts read and staged again")

    monkeypatch.setattr(services, "facts_from_dict", not_again)
    assert assess_workup(case) == first
    case.echo_done = True  # another fact: read afresh
    with pytest.raises(AssertionError, match="read and staged again"):
        assess_workup(case)
