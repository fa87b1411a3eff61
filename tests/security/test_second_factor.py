"""The second factor (TOTP): required for administrators and superusers, optional for everyone else."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.audit.models import AccessAction, AccessLog
from tests.conftest import PASSWORD
from tests.security.otp import confirmed_device, current_code

pytestmark = pytest.mark.django_db


def log_in(client, username: str) -> None:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("url", ["/", "/audit/access-log/", "/audit/users/", "/admin/", "/patients/"])
def test_an_administrator_without_a_second_factor_can_do_nothing_before_setting_one_up(client, administrator, url):
    log_in(client, "admin")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor"))
    assert client.get(response["Location"])["Location"].startswith(reverse("second_factor_setup"))


def test_an_htmx_request_of_an_unverified_administrator_is_redirected_with_hx_redirect(client, administrator):
    log_in(client, "admin")
    response = client.get("/audit/users/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("second_factor"))


def test_setting_up_shows_the_secret_as_text_and_a_right_code_confirms_it(client, administrator):
    log_in(client, "admin")
    page = client.get(reverse("second_factor_setup") + "?next=/audit/users/").content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7=]+)<', page).group(1)
    assert "otpauth://totp/sinen-mdt" in page
    device = TOTPDevice.objects.get(user=administrator, confirmed=False)
    wrong = client.post(reverse("second_factor_setup"), {"token": "000000", "next": "/audit/users/"})
    assert wrong.status_code == 422
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    # A wrong code delays the next attempt (test_wrong_codes_slow_down_guessing); skip the wait here.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    session_before = client.session.session_key
    response = client.post(reverse("second_factor_setup"), {"token": current_code(device), "next": "/audit/users/"})
    assert response.status_code == 303 and response["Location"] == "/audit/users/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.session.session_key != session_before  # a new session for the higher privilege
    assert client.get("/audit/users/").status_code == 200
    assert len(secret) >= 32
    actions = list(AccessLog.objects.filter(username="admin").values_list("action", flat=True))
    assert AccessAction.OTP_FAILED in actions and AccessAction.OTP_ENROLLED in actions


def test_an_administrator_with_a_device_types_the_current_code_after_the_password(client, administrator):
    device = confirmed_device(administrator)
    log_in(client, "admin")
    assert client.get(reverse("second_factor_setup"))["Location"].startswith(reverse("second_factor"))
    assert client.post(reverse("second_factor"), {"token": "12345"}).status_code == 422  # not six digits
    assert client.get("/audit/users/").status_code == 302
    response = client.post(reverse("second_factor"), {"token": current_code(device), "next": "/audit/users/"})
    assert response.status_code == 303
    assert client.get("/audit/users/").status_code == 200
    assert AccessLog.objects.filter(action=AccessAction.OTP_VERIFIED, username="admin").exists()


def test_a_wrong_code_is_refused_and_recorded(client, administrator):
    confirmed_device(administrator)
    log_in(client, "admin")
    response = client.post(reverse("second_factor"), {"token": "000000"})
    assert response.status_code == 422
    assert "That code is not right" in response.content.decode()
    assert AccessLog.objects.filter(action=AccessAction.OTP_FAILED, username="admin").count() == 1


def test_wrong_codes_slow_down_guessing(client, administrator):
    device = confirmed_device(administrator)
    log_in(client, "admin")
    client.post(reverse("second_factor"), {"token": "000000"})
    # Right away, even the right code is refused: each failure doubles the wait (django-otp throttling).
    assert client.post(reverse("second_factor"), {"token": current_code(device)}).status_code == 422
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count >= 1


def test_the_next_address_must_be_on_this_site(client, administrator):
    device = confirmed_device(administrator)
    log_in(client, "admin")
    response = client.post(reverse("second_factor"), {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("dashboard")


def test_a_superuser_must_pass_it_too(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    log_in(client, "root")
    assert client.get("/admin/")["Location"].startswith(reverse("second_factor"))


def test_a_clinician_may_go_without_one(client, clinician):
    log_in(client, "clinician")
    assert client.get("/patients/").status_code == 200


def test_a_clinician_who_set_one_up_must_use_it(client, clinician):
    device = confirmed_device(clinician)
    log_in(client, "clinician")
    assert client.get("/patients/")["Location"].startswith(reverse("second_factor"))
    client.post(reverse("second_factor"), {"token": current_code(device)})
    assert client.get("/patients/").status_code == 200


def test_a_stolen_password_cannot_replace_an_existing_device(client, clinician):
    confirmed_device(clinician)
    log_in(client, "clinician")
    client.get(reverse("second_factor_setup"))
    assert TOTPDevice.objects.filter(user=clinician).count() == 1


def test_an_administrator_resets_a_lost_second_factor_and_ends_the_users_sessions(admin_client, clinician):
    device = confirmed_device(clinician)
    phone = Client()
    log_in(phone, "clinician")
    phone.post(reverse("second_factor"), {"token": current_code(device)})
    assert phone.get("/patients/").status_code == 200
    assert admin_client.post(reverse("audit:reset_second_factor", args=[clinician.pk])).status_code == 303
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    assert phone.get("/patients/").status_code == 302
    assert AccessLog.objects.filter(action=AccessAction.OTP_RESET, detail__startswith="clinician").exists()


def test_the_logout_stays_reachable_before_the_second_factor(client, administrator):
    log_in(client, "admin")
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
