"""Settings: strict environment helpers and a production mode that refuses unsafe configuration."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sinen_mdt import settings as project_settings
from sinen_mdt.settings import database_from_url, env_bool, env_int, env_str
from tests.security import servers

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh interpreter with ENV added (settings are read at start-up)."""
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SINEN_PRODUCTION", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


PRODUCTION_ENV = {
    "SINEN_PRODUCTION": "true",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "mdt.hospital.example",
}


def test_check_deploy_is_clean_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(PRODUCTION_ENV, SECRET_KEY="")
    result = manage("check", **env)
    assert result.returncode != 0
    assert "needs a real SECRET_KEY" in result.stderr


def test_production_refuses_the_development_secret_key():
    env = dict(PRODUCTION_ENV, SECRET_KEY=project_settings._DEV_SECRET_KEY)
    result = manage("check", **env)
    assert result.returncode != 0
    assert "needs a real SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = dict(PRODUCTION_ENV, ALLOWED_HOSTS="")
    result = manage("check", **env)
    assert result.returncode != 0
    assert "needs ALLOWED_HOSTS" in result.stderr


def test_production_refuses_to_start_without_a_signing_key():
    env = dict(PRODUCTION_ENV, SIGNING_KEY_FILE="")
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SINEN_PRODUCTION=true needs SIGNING_KEY_FILE" in result.stderr


def test_production_refuses_a_signing_key_file_without_a_key(tmp_path):
    path = tmp_path / "key.pem"
    path.write_text("not a key")
    result = manage("check", **dict(PRODUCTION_ENV, SIGNING_KEY_FILE=str(path)))
    assert result.returncode != 0
    assert f"SIGNING_KEY_FILE is not usable: {path}: no unencrypted PEM private key" in result.stderr


def test_production_refuses_a_key_whose_certificate_is_another_keys(tmp_path):
    from cases.integrity import generate_identity

    one, other = generate_identity(), generate_identity()
    key = one.split(b"-----BEGIN CERTIFICATE-----")[0]
    certificate = b"-----BEGIN CERTIFICATE-----" + other.split(b"-----BEGIN CERTIFICATE-----")[1]
    path = tmp_path / "key.pem"
    path.write_bytes(key + certificate)
    result = manage("check", **dict(PRODUCTION_ENV, SIGNING_KEY_FILE=str(path)))
    assert result.returncode != 0
    assert "the first certificate is not the private key's" in result.stderr


def test_production_refuses_a_missing_signing_key_file(tmp_path):
    result = manage("check", **dict(PRODUCTION_ENV, SIGNING_KEY_FILE=str(tmp_path / "nowhere.pem")))
    assert result.returncode != 0
    assert "cannot be read" in result.stderr


def test_seed_demo_refuses_in_production_mode():
    result = manage("seed_demo", **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "refuses to run with SINEN_PRODUCTION=true" in result.stderr


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("FALSE", False), ("True", True), ("", False)])
def test_env_bool_accepts_only_true_and_false(monkeypatch, raw, expected):
    monkeypatch.setenv("SINEN_FLAG", raw)
    assert env_bool("SINEN_FLAG", False) is expected


@pytest.mark.parametrize("raw", ["yes", "1", "0", "on", "flase"])
def test_env_bool_rejects_anything_else_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("SINEN_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match=f"SINEN_FLAG must be 'true' or 'false', got '{raw}'"):
        env_bool("SINEN_FLAG", False)


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("SINEN_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="SINEN_NUMBER must be a whole number"):
        env_int("SINEN_NUMBER", 1)


def test_a_secret_can_be_read_from_a_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("s3cret-from-file\n")
    monkeypatch.setenv("SINEN_SECRET_FILE", str(secret_file))
    monkeypatch.setenv("SINEN_SECRET", "ignored-when-a-file-is-given")
    assert env_str("SINEN_SECRET") == "s3cret-from-file"


def test_an_unreadable_secret_file_is_an_error_naming_it(monkeypatch, tmp_path):
    monkeypatch.setenv("SINEN_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SINEN_SECRET_FILE="):
        env_str("SINEN_SECRET")


def test_database_url_for_postgresql_is_parsed():
    db = database_from_url("postgres://mdt:p%40ss@db.local:5433/sinen?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "sinen",
        "mdt",
        "p@ss",
        "db.local",
        "5433",
    )
    assert db["OPTIONS"] == {"sslmode": "require", "prepare_threshold": 5}


@pytest.mark.parametrize(("given", "threshold"), [("none", None), ("None", None), ("0", 0), ("12", 12)])
def test_preparing_statements_can_be_tuned_or_turned_off_in_the_database_url(given, threshold):
    db = database_from_url(f"postgres://mdt@db.local/sinen?prepare_threshold={given}")
    assert db["OPTIONS"]["prepare_threshold"] == threshold


def test_a_garbled_prepare_threshold_is_refused_naming_it():
    with pytest.raises(ImproperlyConfigured, match="prepare_threshold must be a whole number or none, got 'often'"):
        database_from_url("postgres://mdt@db.local/sinen?prepare_threshold=often")


@pytest.mark.parametrize(
    ("url", "path"),
    [("sqlite:////var/lib/sinen/db.sqlite3", "/var/lib/sinen/db.sqlite3"), ("sqlite:///db.sqlite3", "db.sqlite3")],
)
def test_database_url_for_sqlite_is_parsed(url, path):
    db = database_from_url(url)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert str(db["NAME"]) == path


@pytest.mark.parametrize("url", ["mysql://x@y/z", "postgres://user@host/", "sqlite://"])
def test_unsupported_database_urls_are_refused(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_argon2_at_owasps_minimum_is_the_first_password_hasher():
    assert project_settings.PASSWORD_HASHERS[0] == "cases.audit.hashers.OwaspArgon2PasswordHasher"


def test_job_results_must_be_kept_an_hour_or_more():
    result = manage("check", JOB_RESULT_HOURS="0")
    assert result.returncode != 0
    assert "JOB_RESULT_HOURS must be 1 or more, got 0" in result.stderr


def test_background_work_goes_to_the_database_queue_outside_the_tests():
    assert project_settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in project_settings.INSTALLED_APPS


def setting(name: str, **env: str) -> str:
    """The value of setting NAME in a fresh interpreter with ENV, as printed by Python."""
    result = manage(
        "shell", "--no-imports", "-c", f"from django.conf import settings; print(repr(settings.{name}))", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_is_off_unless_asked_for():
    assert setting("DEBUG") == "False"
    assert setting("DEBUG", DEBUG="true") == "True"
    assert setting("DEBUG", DEBUG="true", **PRODUCTION_ENV) == "False"


def test_healthz_checks_the_sqlite_files_directory_and_not_a_remote_databases():
    assert setting("HEALTH_DISK_PATHS", DATABASE_URL="sqlite:////var/lib/sinen/db.sqlite3") == "['/var/lib/sinen']"
    assert setting("HEALTH_DISK_PATHS", DATABASE_URL="postgres://u:p@db.local/sinen") == "[]"
    assert setting("HEALTH_MIN_FREE_DISK_MB") == "200"


def test_a_database_error_under_the_development_server_shows_no_traceback(tmp_path):
    """`make run` on a shared machine: whoever reaches the server must not see code, settings or SQL."""
    broken = f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}"
    with servers.serving("runserver", broken) as port:
        status, _, body = servers.http_get(port, "/")
    assert status == 500
    page = body.decode()
    assert "Server Error (500)" in page
    for detail in ("Traceback", "OperationalError", "no such table", "SECRET_KEY", "settings"):
        assert detail not in page


def test_the_development_server_serves_pages_with_their_css_with_debug_off(tmp_path):
    with servers.serving("runserver", servers.migrated_sqlite(tmp_path / "db.sqlite3")) as port:
        status, _, page = servers.http_get(port, "/accounts/login/")
        assert status == 200
        assert b'href="/static/bootstrap/css/bootstrap.min.css"' in page
        status, headers, css = servers.http_get(port, "/static/bootstrap/css/bootstrap.min.css")
        assert status == 200
        assert headers["content-type"].startswith("text/css")
        assert b".btn" in css
