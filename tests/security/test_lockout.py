"""Five failed logins for one username from one address lock that pair out for 15 minutes (django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cases.audit.models import AccessAction, AccessLog
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = {"username": "clinician", "password": "not-the-password"}


def fail(client, times: int, **extra):
    return [client.post(reverse("login"), LOGIN, **extra) for _ in range(times)]


def test_the_policy_is_five_failures_and_fifteen_minutes_per_username_and_address():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_four_failures_still_allow_the_right_password(client, clinician):
    assert [r.status_code for r in fail(client, 4)] == [200] * 4
    response = client.post(reverse("login"), {"username": "clinician", "password": PASSWORD})
    assert response.status_code == 302
    # A successful login starts the count again.
    assert not AccessAttempt.objects.exists()


def test_the_fifth_failure_locks_the_account_with_a_clear_message_even_for_the_right_password(client, clinician):
    *_, fifth = fail(client, 5)
    assert fifth.status_code == 429
    page = fifth.content.decode()
    assert "Too many failed logins" in page and "15 minutes" in page
    assert 'name="username"' in page  # still the login page, with its form
    right = client.post(reverse("login"), {"username": "clinician", "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessLog.objects.filter(action=AccessAction.LOCKED_OUT, username="clinician").exists()


def test_the_lockout_is_per_address_so_others_cannot_lock_a_colleague_out_everywhere(clinician):
    attacker = Client(REMOTE_ADDR="10.6.6.6")
    fail(attacker, 5)
    colleague = Client(REMOTE_ADDR="10.1.1.1")
    assert colleague.post(reverse("login"), {"username": "clinician", "password": PASSWORD}).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, clinician, settings):
    fail(client, 5)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert client.post(reverse("login"), {"username": "clinician", "password": PASSWORD}).status_code == 302


def test_an_administrator_unlocks_the_account(client, clinician, admin_client):
    fail(Client(), 5)
    page = admin_client.get(reverse("audit:users")).content.decode()
    assert "locked" in page
    assert admin_client.post(reverse("audit:unlock", args=[clinician.pk])).status_code == 303
    assert not AccessAttempt.objects.filter(username="clinician").exists()
    assert Client().post(reverse("login"), {"username": "clinician", "password": PASSWORD}).status_code == 302
    assert AccessLog.objects.filter(action=AccessAction.UNLOCKED, detail__startswith="clinician").exists()


def test_the_login_page_warns_about_the_lockout_after_a_failure(client, clinician):
    (response,) = fail(client, 1)
    assert "After 5 failed attempts the account is locked" in response.content.decode()
