"""Sessions: a new key at login, 30 idle minutes, 12 hours at most, and administrators end them."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from cases.audit import sessions
from cases.audit.models import AccessAction, AccessLog
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def shift(client, **seconds_ago) -> None:
    """Pretend the session's login (LOGIN_AT) or last request (SEEN_AT) was that many seconds ago."""
    session = client.session
    for key, ago in seconds_ago.items():
        session[getattr(sessions, key)] = time.time() - ago
    session.save()


def test_logging_in_gives_a_new_session_key(client, clinician):
    client.get(reverse("login"))  # an anonymous session first, e.g. with a CSRF token
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    before = session.session_key
    client.post(reverse("login"), {"username": "clinician", "password": PASSWORD})
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_the_session_cookie_is_http_only_and_ends_with_the_browser(client, clinician, settings):
    response = client.post(reverse("login"), {"username": "clinician", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # no expiry: closing the browser ends it (shared screens)


def test_thirty_idle_minutes_end_the_session_and_the_login_page_says_why(client, viewer):
    client.force_login(viewer)
    shift(client, SEEN_AT=31 * 60)
    response = client.get(reverse("patients:case_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Your session ended after 30 minutes without activity" in page
    logout = AccessLog.objects.get(action=AccessAction.LOGOUT)
    assert logout.username == "viewer" and "30 minutes without activity" in logout.detail
    assert not AccessLog.objects.filter(action=AccessAction.REFUSED).exists()


def test_activity_keeps_the_session_alive(client, viewer):
    client.force_login(viewer)
    shift(client, SEEN_AT=29 * 60)
    assert client.get(reverse("patients:case_list")).status_code == 200
    assert time.time() - client.session[sessions.SEEN_AT] < 5
    assert client.get(reverse("patients:case_list")).status_code == 200


def test_activity_within_a_minute_does_not_write_the_session(client, viewer):
    client.force_login(viewer)
    seen = client.session[sessions.SEEN_AT]
    client.get(reverse("patients:case_list"))
    assert client.session[sessions.SEEN_AT] == seen


def test_twelve_hours_after_login_the_session_ends_however_active(client, viewer):
    client.force_login(viewer)
    shift(client, LOGIN_AT=12 * 3600 + 1, SEEN_AT=10)
    response = client.get(reverse("patients:case_list"))
    assert response.status_code == 302
    assert "limit of 12 hours" in client.get(response["Location"]).content.decode()


def test_an_expired_htmx_request_gets_an_hx_redirect_to_the_login_page(client, viewer):
    client.force_login(viewer)
    shift(client, SEEN_AT=31 * 60)
    response = client.get(
        reverse("patients:case_list"), headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/cases/"}
    )
    assert response.status_code == 401
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/cases/"


def test_an_administrator_ends_all_sessions_of_a_user(admin_client, viewer):
    laptop, ward_pc = Client(), Client()
    for browser in (laptop, ward_pc):
        browser.force_login(viewer)
        assert browser.get(reverse("patients:case_list")).status_code == 200
    page = admin_client.get(reverse("audit:users")).content.decode()
    assert 'data-testid="user-viewer"' in page
    response = admin_client.post(reverse("audit:end_sessions", args=[viewer.pk]))
    assert response.status_code == 303
    for browser in (laptop, ward_pc):
        assert browser.get(reverse("patients:case_list")).status_code == 302
    entry = AccessLog.objects.get(action=AccessAction.SESSIONS_ENDED)
    assert (entry.username, entry.detail) == ("admin", "2 session(s) of viewer")
    # The administrator's own session goes on.
    assert admin_client.get(reverse("audit:users")).status_code == 200


def test_an_administrator_ending_their_own_sessions_is_logged_out(admin_client, administrator):
    response = admin_client.post(reverse("audit:end_sessions", args=[administrator.pk]))
    assert response.status_code == 303 and response["Location"] == reverse("login")
    assert admin_client.get(reverse("audit:users")).status_code == 302


def test_an_administrator_cannot_act_on_a_superuser(admin_client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    assert admin_client.post(reverse("audit:end_sessions", args=[root.pk])).status_code == 403
    assert admin_client.post(reverse("audit:reset_second_factor", args=[root.pk])).status_code == 403
