"""Members follow the chair by polling the room with conditional requests: an idle room answers 304 from one
statement; the chair's new case and every saved or signed decision change the answer."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.audit import sessions
from cases.audit.models import AccessAction, AccessLog
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


# An idle poll is answered before the middleware stack (cases/meetings/follow.py); whatever the stack would
# decide otherwise (a session ended, a role taken away, the activity stamp due) it still decides.

WITHOUT_EARLY_ANSWER = [m for m in settings.MIDDLEWARE if m != "cases.meetings.follow.FollowPollMiddleware"]


def idle_poll(client, meeting, item):
    url = follow_url(meeting, item)
    etag = client.get(url)["ETag"]
    return url, etag


def test_an_idle_poll_costs_one_statement_and_answers_as_the_whole_stack_does(client, clinician, room):
    meeting, first, _ = room
    client.force_login(clinician)
    url, etag = idle_poll(client, meeting, first)
    with CaptureQueriesContext(connection) as queries:
        early = client.get(url, headers={"If-None-Match": etag})
    assert len(queries) == 1, [q["sql"] for q in queries]
    with override_settings(MIDDLEWARE=WITHOUT_EARLY_ANSWER), CaptureQueriesContext(connection) as stack_queries:
        stack_client = Client()  # a client loads the middleware at its first request
        stack_client.cookies = client.cookies
        stack = stack_client.get(url, headers={"If-None-Match": etag})
    assert len(stack_queries) > 2  # the stack did answer: session, user, roles, room
    assert (early.status_code, stack.status_code) == (304, 304)
    assert early.content == stack.content == b""
    assert early["ETag"] == stack["ETag"] == etag
    assert dict(early.headers) == dict(stack.headers)


def test_an_ended_session_stops_the_polls_at_once_and_the_refusal_is_logged(client, clinician, room):
    meeting, first, _ = room
    client.force_login(clinician)
    url, etag = idle_poll(client, meeting, first)
    Session.objects.all().delete()  # as an administrator ending the user's sessions, on any app server
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    poll_path = reverse("meetings:follow", args=[meeting.public_id])
    assert AccessLog.objects.filter(action=AccessAction.REFUSED, path=poll_path).exists()


def test_a_role_taken_away_refuses_the_next_poll(client, clinician, room):
    meeting, first, _ = room
    client.force_login(clinician)
    url, etag = idle_poll(client, meeting, first)
    clinician.groups.clear()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 403
    assert AccessLog.objects.filter(action=AccessAction.REFUSED, username="clinician").count() == 1


def test_a_changed_password_ends_the_followers_session(client, clinician, room):
    meeting, first, _ = room
    client.force_login(clinician)
    url, etag = idle_poll(client, meeting, first)
    clinician.set_password("another-long-passphrase-2026")
    clinician.save()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def last_seen(client, minutes_ago: int) -> None:
    """Pretend the session's last request was MINUTES_AGO."""
    session = client.session
    session[sessions.SEEN_AT] = time.time() - minutes_ago * 60
    session.save()


def test_following_is_activity_that_keeps_the_session_alive(client, clinician, room):
    meeting, first, _ = room
    client.force_login(clinician)
    url, etag = idle_poll(client, meeting, first)
    last_seen(client, 29)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert time.time() - client.session[sessions.SEEN_AT] < 5  # stamped: the stack answered this one


def test_an_idle_session_past_its_limit_is_ended_by_a_poll(client, clinician, room):
    meeting, first, _ = room
    client.force_login(clinician)
    url, etag = idle_poll(client, meeting, first)
    last_seen(client, 31)
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_closed_meeting_stops_a_revalidating_follower_too(client, clinician, room):
    meeting, first, _ = room
    client.force_login(clinician)
    url, etag = idle_poll(client, meeting, first)
    meeting.status = "closed"
    meeting.save()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 286


def test_only_the_follow_address_itself_takes_the_early_answer(rf, room):
    from cases.meetings.follow import _is_follow_poll

    meeting = room[0]
    url = reverse("meetings:follow", kwargs={"public_id": meeting.public_id})
    etag = {"HTTP_IF_NONE_MATCH": '"1.x.in_progress"'}
    assert _is_follow_poll(rf.get(url, **etag)) == meeting.public_id
    assert _is_follow_poll(rf.get(url)) is None  # not a revalidation: the view answers
    shouted = url.replace(str(meeting.public_id), str(meeting.public_id).upper())
    assert _is_follow_poll(rf.get(shouted, **etag)) is None  # the URLconf's uuid converter refuses it too
    assert _is_follow_poll(rf.get(url + "x/", **etag)) is None
    assert _is_follow_poll(rf.get(url.replace("/follow/", "/"), **etag)) is None


def test_whose_session_it_is_comes_from_the_session_row_not_from_the_last_poll(client, chair, clinician, room):
    from cases.meetings import follow

    meeting, first, _ = room
    client.force_login(clinician)
    url, etag = idle_poll(client, meeting, first)
    clinician.groups.clear()
    # This app server last saw the session as the chair's (a stale guess): the row says it is the clinician's,
    # who may no longer see patient data. Even the password hashes agree, so only the row can tell.
    type(chair).objects.filter(pk=chair.pk).update(password=clinician.password)
    follow.remember_follower(client.session.session_key, chair.pk)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 403
    assert AccessLog.objects.filter(action=AccessAction.REFUSED, username="clinician").count() == 1


# PostgreSQL's connections are persistent and health-checked (settings.database_from_url); SQLite's are neither.
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's persistent connections")


@on_postgresql
@pytest.mark.django_db(transaction=True)  # a connection is checked between requests, outside any transaction
def test_the_poll_sends_no_health_check_of_its_own(client, clinician, room, monkeypatch):
    meeting, first, _ = room
    client.force_login(clinician)
    url, etag = idle_poll(client, meeting, first)
    assert connection.health_check_enabled
    checks = []
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)
    connection.close_if_unusable_or_obsolete()  # what the start of every request does to a reused connection
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert checks == []  # the poll's own statement told whether the connection works


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_dead_database_connection_is_answered_on_a_new_one(client, clinician, room):
    meeting, first, _ = room
    client.force_login(clinician)
    url, etag = idle_poll(client, meeting, first)
    connection.connection.close()  # as a restarted database server leaves a persistent connection
    connection.close_if_unusable_or_obsolete()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert connection.is_usable()
