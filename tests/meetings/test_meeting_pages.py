"""Planning meetings, the meeting list, and the dashboard's upcoming meetings and waiting cases."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.meetings.models import Meeting
from cases.patients.models import CaseStatus
from tests.meetings.factories import add_item, make_meeting, record
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db


def meeting_data(chair, **changes):
    data = {
        "title": "NET board",
        "scheduled_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT16:00"),
        "location": "Room 2",
        "video_url": "",
        "chair": chair.pk,
    }
    data.update(changes)
    return data


def test_a_meeting_without_a_title_is_refused_and_what_was_typed_is_kept(client, coordinator, chair):
    client.force_login(coordinator)
    response = client.post(reverse("meetings:create"), meeting_data(chair, title="", location="Room 7"))
    assert response.status_code == 422
    assert 'value="Room 7"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_only_a_chair_can_chair(client, coordinator, clinician):
    client.force_login(coordinator)
    response = client.post(reverse("meetings:create"), meeting_data(clinician))
    assert response.status_code == 422
    assert "chair" in response.context["form"].errors


def test_a_new_meeting_cannot_be_in_the_past(client, coordinator, chair):
    client.force_login(coordinator)
    response = client.post(reverse("meetings:create"), meeting_data(chair, scheduled_at="2020-01-02T16:00"))
    assert response.status_code == 422
    assert response.context["form"].errors["scheduled_at"] == ["A new meeting cannot be scheduled in the past."]


def test_a_video_link_must_be_a_url(client, coordinator, chair):
    client.force_login(coordinator)
    response = client.post(reverse("meetings:create"), meeting_data(chair, video_url="javascript:alert(1)"))
    assert response.status_code == 422
    assert not Meeting.objects.exists()


def test_the_meeting_list_separates_open_and_closed_meetings(client, viewer, chair):
    make_meeting(chair, title="Next week's board", status="planned")
    make_meeting(chair, title="Last week's board", status="closed", scheduled_at=timezone.now() - timedelta(days=7))
    client.force_login(viewer)
    response = client.get(reverse("meetings:list"))
    assert [m.title for m in response.context["open_meetings"]] == ["Next week's board"]
    assert [m.title for m in response.context["page"].object_list] == ["Last week's board"]
    assert "Plan a meeting" not in response.content.decode()


def test_the_dashboard_lists_upcoming_meetings_and_ready_cases_not_on_an_agenda(client, coordinator, chair):
    meeting = make_meeting(chair, title="Thursday board", status="planned")
    on_agenda = make_case(status=CaseStatus.READY, **STAGE_IV)
    add_item(meeting, on_agenda)
    waiting = make_case(status=CaseStatus.READY, **STAGE_IV)
    draft = make_case(status=CaseStatus.DRAFT)
    client.force_login(coordinator)
    response = client.get(reverse("dashboard"))
    page = response.content.decode()
    assert "Thursday board" in page
    assert [case for case, _ in response.context["ready_cases"]] == [waiting]
    assert waiting.patient.family_name.upper() in page
    assert draft.patient.family_name.upper() not in page
    # STAGE_IV misses its echocardiogram: marked ready earlier (status only), the badge says it is not.
    assert "Not ready: work-up missing" in page


def test_the_dashboard_shows_the_oldest_twenty_ready_cases_and_links_to_the_rest(client, coordinator):
    from datetime import date

    cases = [make_case(status=CaseStatus.READY, referral_date=date(2026, 1, 1) + timedelta(days=n)) for n in range(25)]
    client.force_login(coordinator)
    response = client.get(reverse("dashboard"))
    assert [case for case, _ in response.context["ready_cases"]] == cases[:20]
    assert "Showing the 20 oldest of 25 ready cases." in response.content.decode()


def test_the_dashboard_shows_chairs_the_drafts_awaiting_signature(client, clinician, chair, viewer):
    item = add_item(make_meeting(chair))
    record(item, clinician)
    client.force_login(chair)
    assert "Decisions awaiting a chair" in client.get(reverse("dashboard")).content.decode()
    client.force_login(viewer)
    assert "Decisions awaiting a chair" not in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("role", ["content_editor", "no_role_user"])
def test_the_dashboard_shows_no_patient_data_to_users_without_access(request, client, chair, role):
    make_meeting(chair, title="Secret board", status="planned")
    case = make_case(status=CaseStatus.READY)
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("dashboard")).content.decode()
    assert "Secret board" not in page
    assert case.patient.family_name not in page
    assert ">Meetings</a>" not in page


def test_the_navigation_links_to_the_meetings(client, viewer):
    client.force_login(viewer)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("meetings:list")}">Meetings</a>' in page


def test_a_closed_meeting_is_not_edited(client, coordinator, chair):
    meeting = make_meeting(chair, title="Last week's board", status="closed")
    client.force_login(coordinator)
    response = client.post(reverse("meetings:edit", kwargs={"public_id": meeting.public_id}), meeting_data(chair))
    assert response.status_code == 303
    meeting.refresh_from_db()
    assert meeting.title == "Last week's board"
