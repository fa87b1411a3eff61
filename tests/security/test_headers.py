"""Security headers: no caching of any page with patient data, no framing, a strict referrer policy, and in
production HSTS and cookies sent over HTTPS only."""

import json

import pytest
from django.urls import reverse

from tests.meetings.factories import add_item, make_meeting, present_url, signed
from tests.patients.factories import STAGE_IV, make_case
from tests.test_settings import PRODUCTION_ENV, manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(chair, clinician):
    item = add_item(make_meeting(chair), make_case(**STAGE_IV))
    decision = signed(item, clinician, chair)
    case = item.case
    return {
        "patient": reverse("patients:patient_detail", args=[case.patient.public_id]),
        "case": case.get_absolute_url(),
        "step": reverse("pathways:step", args=[case.public_id, "imaging"]),
        "meeting": item.meeting.get_absolute_url(),
        "meeting mode": present_url(item),
        "decision": decision.get_absolute_url(),
        "case list": reverse("patients:case_list"),
        "case summary PDF": reverse("reports:case_summary", args=[case.public_id]),
    }


@pytest.mark.parametrize(
    "page", ["patient", "case", "step", "meeting", "meeting mode", "decision", "case list", "case summary PDF"]
)
def test_no_page_with_patient_data_may_be_stored_by_a_browser_or_proxy(client, viewer, pages, page):
    client.force_login(viewer)
    response = client.get(pages[page])
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_htmx_fragments_are_not_stored_either(client, viewer, pages):
    client.force_login(viewer)
    response = client.get(pages["step"], headers={"HX-Request": "true"})
    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_cache(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/", "/accounts/login/"])
def test_pages_cannot_be_framed_and_send_no_referrer_elsewhere(client, viewer, url):
    client.force_login(viewer)
    response = client.get(url, follow=True)
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# Run in production mode; static files from the app folders (no collectstatic manifest in a test checkout).
PROBE = """
import json
from django.conf import settings
from django.test import Client, override_settings
storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    response = Client().get("/accounts/login/", secure=True, HTTP_HOST="mdt.hospital.example")
    plain = Client().get("/accounts/login/", HTTP_HOST="mdt.hospital.example")
print(json.dumps({
    "status": response.status_code,
    "hsts": response.get("Strict-Transport-Security"),
    "csrf_cookie_secure": response.cookies["csrftoken"]["secure"],
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "plain_http": plain.status_code,
}))
"""


def test_production_sends_hsts_and_secure_cookies_and_redirects_plain_http():
    result = manage("shell", "-c", PROBE, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["csrf_cookie_secure"] is True
    assert seen["session_cookie_secure"] is True
    assert seen["ssl_redirect"] is True
    assert seen["plain_http"] == 301
