"""Members follow the chair by polling the room with conditional requests: an idle room answers 304 from one
query; the chair's new case and every saved or signed decision change the answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.meetings import services
from tests.meetings.factories import add_item, make_meeting, present_url, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(chair):
    meeting = make_meeting(chair)
    return meeting, add_item(meeting), add_item(meeting)


def follow_url(meeting, item) -> str:
    meeting.refresh_from_db()
    url = reverse("meetings:follow", kwargs={"public_id": meeting.public_id})
    return f"{url}?item={item.public_id}&v={meeting.room_version}"


def test_an_idle_room_answers_304_to_the_etag_it_gave(client, clinician, room):
    meeting, first, _ = room
    client.force_login(clinician)
    url = follow_url(meeting, first)
    response = client.get(url)
    assert response.status_code == 200
    assert "HX-Location" not in response and "HX-Trigger" not in response
    assert response["Cache-Control"] == "private, no-cache"  # revalidated, never no-store: no patient data
    etag = response["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    room_queries = [q["sql"] for q in queries if "meetings_meeting" in q["sql"]]
    assert len(room_queries) == 1, room_queries


def test_the_chair_opening_a_case_moves_the_followers(client, chair, clinician, room):
    meeting, first, second = room
    client.force_login(clinician)
    url = follow_url(meeting, first)
    etag = client.get(url)["ETag"]
    client.force_login(chair)
    assert client.get(present_url(second)).status_code == 200
    client.force_login(clinician)
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert present_url(second) + "?follow=1" in response["HX-Location"]
    assert client.get(present_url(first)).status_code == 200  # a follower's own visit moves nobody
    meeting.refresh_from_db()
    assert meeting.current_item == second


def test_a_saved_and_a_signed_decision_tell_the_followers_to_refresh(client, chair, clinician, room):
    meeting, first, _ = room
    client.force_login(clinician)
    url = follow_url(meeting, first)
    etag = client.get(url)["ETag"]
    draft = record(first, clinician)
    response = client.get(url, headers={"If-None-Match": etag})
    assert (response.status_code, response["HX-Trigger"]) == (200, "room-changed")
    url = follow_url(meeting, first)
    etag = client.get(url)["ETag"]
    services.sign_decision(draft, chair, draft.lock_version)
    assert client.get(url, headers={"If-None-Match": etag})["HX-Trigger"] == "room-changed"


def test_a_closed_meeting_stops_the_polling(client, clinician, room):
    meeting, first, _ = room
    meeting.status = "closed"
    meeting.save()
    client.force_login(clinician)
    assert client.get(follow_url(meeting, first)).status_code == 286


def test_a_user_without_a_role_may_not_follow(client, no_role_user, room):
    meeting, first, _ = room
    client.force_login(no_role_user)
    assert client.get(follow_url(meeting, first)).status_code == 403
