"""Minutes per case, measured on the server: the time from the chair arriving at a case in meeting mode to the
chair moving on or signing its decision is added to the agenda item's discussion_seconds (no JavaScript
needed, the same for every follower)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.meetings import services
from cases.meetings.models import AgendaItem, Meeting
from tests.meetings.factories import add_item, make_meeting, present_url, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(chair):
    meeting = make_meeting(chair)
    return meeting, add_item(meeting), add_item(meeting)


def arrived(meeting: Meeting, seconds_ago: int) -> None:
    """Pretend the chair arrived at the current case SECONDS_AGO."""
    Meeting.objects.filter(pk=meeting.pk).update(current_item_since=timezone.now() - timedelta(seconds=seconds_ago))


def seconds(item: AgendaItem) -> int | None:
    item.refresh_from_db()
    return item.discussion_seconds


def test_the_chair_moving_on_records_the_time_spent_on_the_case(client, chair, room):
    meeting, first, second = room
    client.force_login(chair)
    assert client.get(present_url(first)).status_code == 200
    arrived(meeting, 150)
    assert client.get(present_url(second)).status_code == 200
    assert 150 <= seconds(first) <= 155
    assert seconds(second) is None  # still running
    meeting.refresh_from_db()
    assert meeting.current_item_id == second.pk and meeting.current_item_since is not None


def test_signing_stops_the_clock_of_the_case(client, chair, clinician, room):
    meeting, first, second = room
    client.force_login(chair)
    client.get(present_url(first))
    arrived(meeting, 200)
    draft = record(first, clinician)
    services.sign_decision(draft, chair, draft.lock_version)
    assert 200 <= seconds(first) <= 205
    arrived_after_signing = Meeting.objects.get(pk=meeting.pk).current_item_since
    assert arrived_after_signing is None
    client.get(present_url(second))  # moving on after signing adds nothing more to the first case
    assert 200 <= seconds(first) <= 205


def test_coming_back_to_a_case_adds_to_its_time(client, chair, room):
    meeting, first, second = room
    client.force_login(chair)
    client.get(present_url(first))
    arrived(meeting, 60)
    client.get(present_url(second))
    arrived(meeting, 30)
    client.get(present_url(first))
    arrived(meeting, 40)
    client.get(present_url(second))
    assert 100 <= seconds(first) <= 105
    assert 30 <= seconds(second) <= 33


def test_a_member_who_is_not_the_chair_moves_no_clock(client, chair, clinician, room):
    meeting, first, second = room
    client.force_login(chair)
    client.get(present_url(first))
    arrived(meeting, 90)
    client.force_login(clinician)
    client.get(present_url(second))
    assert seconds(first) is None
    assert Meeting.objects.get(pk=meeting.pk).current_item_id == first.pk


def test_a_screen_left_on_a_case_over_a_break_counts_an_hour_at_most(client, chair, room):
    meeting, first, second = room
    client.force_login(chair)
    client.get(present_url(first))
    arrived(meeting, 3 * 60 * 60)
    client.get(present_url(second))
    assert seconds(first) == services.LONGEST_STRETCH_SECONDS == 3600


def test_closing_the_meeting_stops_the_clock_of_the_case_on_screen(client, chair, clinician, room):
    meeting, first, second = room
    client.force_login(chair)
    client.get(present_url(first))
    arrived(meeting, 120)
    services.close_meeting(meeting, {first.pk: None, second.pk: None})
    assert 120 <= seconds(first) <= 125
    assert Meeting.objects.get(pk=meeting.pk).current_item_since is None
