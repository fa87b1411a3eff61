"""The health check, and the security headers every page carries."""

import re

import pytest
from django.db import DatabaseError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("cases.health.connection.cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_pages_carry_a_strict_csp_with_a_nonce_used_by_every_script(client, clinician):
    client.force_login(clinician)
    response = client.get(reverse("dashboard"))
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert len(scripts) >= 3  # bootstrap, htmx, app.js
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"


def test_no_page_loads_anything_from_another_host(client, clinician):
    client.force_login(clinician)
    page = client.get(reverse("dashboard")).content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_htmx_is_configured_not_to_keep_patient_data_in_history(client, clinician):
    client.force_login(clinician)
    page = client.get(reverse("dashboard")).content.decode()
    assert '"historyCacheSize": 0' in page
    assert '"includeIndicatorStyles": false' in page
    assert '"historyRestoreAsHxRequest": false' in page
    assert 'hx-headers=\'{"X-CSRFToken": "' in page


def test_htmx_and_bootstrap_are_served_from_our_own_static_files(client, clinician):
    client.force_login(clinician)
    page = client.get(reverse("dashboard")).content.decode()
    for path in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        assert client.get(path).status_code == 200, path
    assert "/static/django_htmx/htmx-2.min.js" in page
    assert "/static/bootstrap/css/bootstrap.min.css" in page


def test_the_skip_link_leads_to_the_main_content(client, clinician):
    client.force_login(clinician)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'href="#main">Skip to main content</a>' in page
    assert '<main id="main"' in page
