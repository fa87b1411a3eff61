"""One meaning of "ready for the board": the recorded work-up, and the coordinator's one-click confirmation."""

import pytest
from django.urls import reverse

from cases.pathways.readiness import readiness, settled_readiness
from cases.pathways.services import assess
from cases.patients.models import Case, CaseStatus
from tests.pathways.test_pathway_steps import step_url
from tests.patients.factories import STAGE_IV, STAGE_IV_COMPLETE, make_case

pytestmark = pytest.mark.django_db


def ready_url(case) -> str:
    return reverse("pathways:ready", kwargs={"public_id": case.public_id})


def state_of(case) -> str:
    case = Case.objects.get(pk=case.pk)
    return readiness(case, assess(case)).state


@pytest.mark.parametrize(
    ("findings", "status", "state"),
    [
        ({}, CaseStatus.DRAFT, "no_findings"),
        (STAGE_IV, CaseStatus.DRAFT, "missing"),
        (STAGE_IV_COMPLETE, CaseStatus.DRAFT, "complete"),
        (STAGE_IV_COMPLETE, CaseStatus.READY, "ready"),
        (STAGE_IV, CaseStatus.READY, "missing"),  # a status alone never makes a case ready
        ({**STAGE_IV_COMPLETE, "liver_lesions": 0}, CaseStatus.DRAFT, "contradictory"),  # diameter with no lesions
        (STAGE_IV_COMPLETE, CaseStatus.DISCUSSED, "discussed"),
        (STAGE_IV_COMPLETE, CaseStatus.CLOSED, "closed"),
    ],
)
def test_readiness_follows_the_findings_and_the_confirmation(findings, status, state):
    assert state_of(make_case(status=status, **findings)) == state


@pytest.mark.parametrize(
    ("findings", "status", "state"),
    [
        ({}, CaseStatus.DRAFT, "no_findings"),
        (STAGE_IV, CaseStatus.DISCUSSED, "discussed"),
        (STAGE_IV_COMPLETE, CaseStatus.CLOSED, "closed"),
        (STAGE_IV_COMPLETE, CaseStatus.READY, None),  # needs the work-up assessed
        (STAGE_IV, CaseStatus.DRAFT, None),
    ],
)
def test_a_list_assesses_only_the_cases_whose_status_does_not_settle_their_readiness(findings, status, state):
    case = make_case(status=status, **findings)
    settled = settled_readiness(case)
    assert (settled and settled.state) == state
    if settled is not None:
        assert settled == readiness(case, assess(case))


def test_the_missing_work_up_is_named():
    case = make_case(**STAGE_IV)
    assert "Echocardiogram" in readiness(case, assess(case)).missing_labels


def test_a_coordinator_confirms_a_complete_case_ready_in_one_click(client, coordinator):
    case = make_case(**STAGE_IV_COMPLETE)
    client.force_login(coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="confirm-ready"' in page
    response = client.post(ready_url(case), {"version": case.version})
    assert response.status_code == 303
    assert response["Location"] == case.get_absolute_url()
    saved = Case.objects.get(pk=case.pk)
    assert saved.status == CaseStatus.READY
    assert saved.history.first().history_change_reason == "Confirmed ready for the board by Coordinator Tester"


def test_an_incomplete_case_cannot_be_confirmed_ready(client, coordinator):
    case = make_case(**STAGE_IV)
    client.force_login(coordinator)
    assert 'data-testid="confirm-ready"' not in client.get(case.get_absolute_url()).content.decode()
    response = client.post(ready_url(case), {"version": case.version})
    assert response.status_code == 409
    assert "Not ready: work-up missing: it cannot be confirmed ready for the board." in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DRAFT


def test_a_confirmation_for_findings_changed_meanwhile_is_refused(client, coordinator):
    case = make_case(**STAGE_IV_COMPLETE)
    client.force_login(coordinator)
    response = client.post(ready_url(case), {"version": case.version + 1})
    assert response.status_code == 409
    assert "The findings changed while the page was open" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DRAFT


def test_a_clinician_cannot_confirm_and_nothing_changes(client, clinician):
    case = make_case(**STAGE_IV_COMPLETE)
    client.force_login(clinician)
    assert client.post(ready_url(case), {"version": case.version}).status_code == 403
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DRAFT


def test_saving_findings_that_leave_the_work_up_incomplete_takes_the_case_back_to_draft(client, clinician):
    case = make_case(status=CaseStatus.READY, **STAGE_IV_COMPLETE)
    client.force_login(clinician)
    data = {"version": case.version, "cardiac_date": "", "echo_done": "unknown", "carcinoid_heart_disease": "none"}
    assert client.post(step_url(case, "cardiac"), {**data, "right_heart_failure": "false"}).status_code == 303
    saved = Case.objects.get(pk=case.pk)
    assert saved.status == CaseStatus.DRAFT
    assert state_of(saved) == "missing"


def test_saving_findings_that_keep_the_work_up_complete_keeps_the_case_ready(client, clinician):
    case = make_case(status=CaseStatus.READY, **STAGE_IV_COMPLETE)
    client.force_login(clinician)
    data = {"version": case.version, "echo_done": "true", "carcinoid_heart_disease": "none"}
    assert client.post(step_url(case, "cardiac"), {**data, "right_heart_failure": "false"}).status_code == 303
    assert Case.objects.get(pk=case.pk).status == CaseStatus.READY


def test_the_case_page_never_shows_ready_beside_draft(client, coordinator):
    case = make_case(**STAGE_IV_COMPLETE)
    client.force_login(coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Work-up complete: not yet confirmed ready" in page
    assert "Ready for the board</span>" not in page
    assert '<span class="badge status-draft">' not in page


def test_the_case_form_does_not_set_ready_by_hand(client, coordinator):
    case = make_case(**STAGE_IV)
    client.force_login(coordinator)
    data = {"referral_date": "2026-10-01", "referring_clinician": "Dr R", "question": "Resect?", "status": "ready"}
    response = client.post(reverse("patients:case_edit", args=[case.public_id]), data)
    assert response.status_code == 422
    assert "Select a valid choice" in response.context["form"].errors["status"][0]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DRAFT


def test_the_agenda_flags_the_cases_that_are_not_ready(client, coordinator, chair):
    from tests.meetings.factories import add_item, make_meeting

    meeting = make_meeting(chair, status="planned")
    add_item(meeting, make_case(status=CaseStatus.READY, **STAGE_IV_COMPLETE))
    add_item(meeting, make_case())
    client.force_login(coordinator)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "1 of 2 cases is not ready for the board (marked below)." in page
    assert page.count('class="agenda-not-ready"') == 1
    assert "Not ready: no findings recorded" in page
