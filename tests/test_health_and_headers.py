"""The health check, and the security headers every page carries."""

import json
import re
import secrets
import shutil
from contextlib import contextmanager

import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from tests.security import servers

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "write": "ok", "disk": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_head_requests_too(client):
    assert client.head(reverse("healthz")).status_code == 200


def test_healthz_leaves_no_row_behind():
    before = Session.objects.count()
    assert Client().get(reverse("healthz")).status_code == 200
    assert Session.objects.count() == before


def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("cases.health.connection.cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@contextmanager
def read_only_database():
    """Make the database refuse writes for the test's connection, as a standby or a read-only file would."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL transaction_read_only = on")  # undone with the savepoint
            yield
        else:
            cursor.execute("PRAGMA query_only = ON")
            try:
                yield
            finally:
                cursor.execute("PRAGMA query_only = OFF")
        transaction.set_rollback(True)


def test_healthz_answers_503_when_the_database_reads_but_refuses_writes(client):
    with read_only_database():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "write": "read-only", "disk": "ok"}


def test_healthz_answers_503_when_the_disk_is_nearly_full(client, settings, tmp_path):
    settings.HEALTH_DISK_PATHS = [str(tmp_path)]
    settings.HEALTH_MIN_FREE_DISK_MB = shutil.disk_usage(tmp_path).free // (1024 * 1024) + 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "write": "ok", "disk": "low"}


def test_healthz_answers_503_when_a_data_directory_is_missing(client, settings, tmp_path):
    settings.HEALTH_DISK_PATHS = [str(tmp_path / "unmounted")]
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["disk"] == "unavailable"


def test_healthz_is_answered_over_plain_http_when_everything_else_is_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("login")).status_code == 301
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_in_production_a_plain_http_probe_of_healthz_gets_200_and_every_other_page_a_redirect(tmp_path):
    """gunicorn in production mode on loopback, probed as a load balancer does: plain HTTP, the app's host name."""
    database = servers.migrated_sqlite(tmp_path / "db.sqlite3")
    production = {"SINEN_PRODUCTION": "true", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "mdt.example"}
    with servers.serving("gunicorn", database, **production) as port:
        status, _, body = servers.http_get(port, "/healthz", host="mdt.example")
        assert status == 200, body
        assert json.loads(body) == {"status": "ok", "database": "ok", "write": "ok", "disk": "ok"}
        status, headers, _ = servers.http_get(port, "/accounts/login/", host="mdt.example")
        assert status == 301
        assert headers["location"] == "https://mdt.example/accounts/login/"


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
