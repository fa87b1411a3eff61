"""Passwords are hashed with Argon2id at OWASP's minimum (19 MiB, 2 iterations, 1 lane); a password stored with
other parameters or another hasher is rehashed at the user's next successful login, and only then."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, identify_hasher, make_password
from django.urls import reverse

from cases.audit.hashers import OwaspArgon2PasswordHasher
from sinen_mdt import settings as project_settings
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_hashers(settings):
    """The project's hashers, not the fast one the other tests use."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def parameters(encoded: str) -> tuple:
    decoded = identify_hasher(encoded).decode(encoded)
    return decoded["variety"], decoded["memory_cost"], decoded["time_cost"], decoded["parallelism"]


def log_in(client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_new_password_is_argon2id_with_19_mib_2_iterations_and_1_lane():
    assert parameters(make_password(PASSWORD)) == ("argon2id", 19 * 1024, 2, 1)


@pytest.mark.parametrize(
    "old_hasher",
    [Argon2PasswordHasher(), PBKDF2PasswordHasher()],
    ids=["django-default-argon2", "pbkdf2"],
)
def test_an_older_hash_is_replaced_at_the_next_login(client, clinician, old_hasher):
    clinician.password = make_password(PASSWORD, hasher=old_hasher)
    clinician.save(update_fields=["password"])
    response = log_in(client, "clinician")
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert parameters(clinician.password) == ("argon2id", 19 * 1024, 2, 1)
    assert clinician.check_password(PASSWORD)
    client.logout()
    assert log_in(client, "clinician").status_code == 302


def test_a_failed_login_leaves_the_old_hash_alone(client, clinician):
    old = make_password(PASSWORD, hasher=Argon2PasswordHasher())
    clinician.password = old
    clinician.save(update_fields=["password"])
    response = log_in(client, "clinician", "not-the-password")
    assert response.status_code == 200
    clinician.refresh_from_db()
    assert clinician.password == old


def test_a_current_hash_is_not_rewritten_at_login(client, clinician):
    current = make_password(PASSWORD, hasher=OwaspArgon2PasswordHasher())
    clinician.password = current
    clinician.save(update_fields=["password"])
    assert log_in(client, "clinician").status_code == 302
    clinician.refresh_from_db()
    assert clinician.password == current
