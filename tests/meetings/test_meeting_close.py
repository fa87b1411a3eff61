"""Closing a meeting lists the cases without a signed decision; each must be deferred to a later meeting or
marked not discussed, then the meeting closes. Nothing closes with a case left open."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cases.meetings import services
from cases.meetings.models import AgendaItem, MeetingStatus
from cases.reports.summary import PackEntry, meeting_pack_cover_html, pack_contents
from tests.meetings.factories import add_item, make_meeting, record, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(chair, clinician):
    meeting = make_meeting(chair)
    decided, drafted, untouched = add_item(meeting), add_item(meeting), add_item(meeting)
    signed(decided, clinician, chair)
    record(drafted, clinician)
    later = make_meeting(chair, status="planned", title="Next week's board")
    return meeting, decided, drafted, untouched, later


def close_url(meeting) -> str:
    return reverse("meetings:close", kwargs={"public_id": meeting.public_id})


def test_closing_with_undecided_cases_lists_them_and_changes_nothing(client, coordinator, board):
    meeting, decided, drafted, untouched, _ = board
    client.force_login(coordinator)
    response = client.post(reverse("meetings:status", kwargs={"public_id": meeting.public_id}), {"transition": "close"})
    assert response.status_code == 303
    assert response["Location"] == close_url(meeting)
    page = client.get(close_url(meeting)).content.decode()
    assert "2 cases have no signed decision" in page
    assert f"settle_{drafted.public_id}" in page and f"settle_{untouched.public_id}" in page
    assert f"settle_{decided.public_id}" not in page
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS


def test_a_case_left_unsettled_keeps_the_meeting_open(client, coordinator, board):
    meeting, _, drafted, _, _ = board
    client.force_login(coordinator)
    response = client.post(close_url(meeting), {f"settle_{drafted.public_id}": "not_discussed"})
    assert response.status_code == 422
    assert "Defer this case to a later meeting or mark it not discussed." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS
    assert not AgendaItem.objects.exclude(closing="").exists()


def test_closing_defers_one_case_and_marks_the_other_not_discussed(client, coordinator, board):
    meeting, _, drafted, untouched, later = board
    client.force_login(coordinator)
    response = client.post(
        close_url(meeting),
        {f"settle_{drafted.public_id}": f"defer:{later.public_id}", f"settle_{untouched.public_id}": "not_discussed"},
    )
    assert response.status_code == 303
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    drafted.refresh_from_db()
    untouched.refresh_from_db()
    assert (drafted.closing, drafted.deferred_to) == ("deferred", later)
    assert (untouched.closing, untouched.deferred_to) == ("not_discussed", None)
    assert later.agenda_items.filter(case=drafted.case).exists()  # on the next agenda
    items, heads = pack_contents(meeting)
    cover = meeting_pack_cover_html(meeting, [PackEntry(item, heads.get(item.pk)) for item in items])
    assert "Deferred to Next week&#x27;s board" in cover
    assert "Not discussed" in cover
    assert "DRAFT" not in cover  # every case is settled: the pack is final


def test_a_case_cannot_be_deferred_to_an_earlier_meeting(chair, board):
    meeting, _, drafted, untouched, _ = board
    earlier = make_meeting(chair, status="planned", scheduled_at=meeting.scheduled_at - timedelta(days=7))
    with pytest.raises(services.MeetingError):
        services.close_meeting(meeting, {drafted.pk: earlier, untouched.pk: None})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS
    assert not earlier.agenda_items.exists()


def test_the_service_refuses_to_close_with_an_unsettled_case(board):
    meeting, _, drafted, untouched, _ = board
    with pytest.raises(services.UndecidedItems) as refused:
        services.close_meeting(meeting, {drafted.pk: None})
    assert refused.value.items == [untouched]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS
