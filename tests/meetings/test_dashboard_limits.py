"""Every list on the dashboard and the meeting list is a screenful at most, and their counts stop early: the
pages cost the same with a hundred cases or a hundred thousand."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.meetings import views
from cases.patients.models import CaseStatus
from tests.meetings.factories import add_item, make_meeting, record
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_a_chair_sees_the_oldest_drafts_and_how_many_there_are(client, chair, clinician, monkeypatch):
    monkeypatch.setattr(views, "DASHBOARD_DRAFTS", 3)
    meeting = make_meeting(chair)
    drafts = [record(add_item(meeting), clinician) for _ in range(5)]
    client.force_login(chair)
    response = client.get(reverse("dashboard"))
    assert [d.pk for d in response.context["drafts"]] == [d.pk for d in drafts[:3]]
    assert "Showing the 3 oldest of 5 drafts" in response.content.decode()


def test_counts_beyond_the_limit_say_more_than(client, chair, clinician, monkeypatch):
    monkeypatch.setattr(views, "DASHBOARD_READY_CASES", 2)
    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    for _ in range(5):
        make_case(status=CaseStatus.READY)
    client.force_login(chair)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Showing the 2 oldest of more than 3 ready cases" in page


def test_the_dashboard_shows_the_next_meetings_only(client, coordinator, chair):
    for days in range(views.DASHBOARD_MEETINGS + 2):
        make_meeting(chair, status="planned", scheduled_at=timezone.now() + timedelta(days=days + 1))
    client.force_login(coordinator)
    assert len(client.get(reverse("dashboard")).context["upcoming"]) == views.DASHBOARD_MEETINGS


def test_the_dashboard_costs_the_same_queries_with_more_drafts_meetings_and_ready_cases(client, chair, clinician):
    meeting = make_meeting(chair)
    client.force_login(chair)

    def grow():
        record(add_item(meeting, make_case(**STAGE_IV)), clinician)
        make_case(status=CaseStatus.READY, **STAGE_IV)
        add_item(make_meeting(chair, status="planned"))

    grow()
    queries(client, reverse("dashboard"))  # the session
    few, _ = queries(client, reverse("dashboard"))
    for _ in range(12):
        grow()
    many, _ = queries(client, reverse("dashboard"))
    assert many == few


def test_the_meeting_list_pages_closed_meetings_and_counts_each_ones_cases(client, viewer, chair, monkeypatch):
    monkeypatch.setattr(views, "MEETING_PAGE_SIZE", 4)
    closed = [
        make_meeting(chair, status="closed", scheduled_at=timezone.now() - timedelta(days=n + 1)) for n in range(6)
    ]
    add_item(closed[0])
    add_item(closed[0])
    client.force_login(viewer)
    first = client.get(reverse("meetings:list"))
    page = first.context["page"]
    assert [m.pk for m in page.object_list] == [m.pk for m in closed[:4]]
    assert page.object_list[0].item_count == 2
    second = client.get(reverse("meetings:list") + f"?after={page.last_id}")
    assert [m.pk for m in second.context["page"].object_list] == [m.pk for m in closed[4:]]
