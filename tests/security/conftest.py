"""Fixtures of the trust tests: the administrator, and a client that has passed their second factor."""

import pytest

from cases.access import Role
from tests.security.otp import pass_second_factor

# Every role of the matrix, by the name of its user fixture (tests/conftest.py and below).
ROLE_FIXTURES = [
    "coordinator", "clinician", "chair", "viewer", "content_editor", "administrator", "auditor", "no_role_user",
]  # fmt: skip


@pytest.fixture
def administrator(make_user):
    return make_user("admin", Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def admin_client(client, administrator):
    """A client logged in as the administrator, second factor passed."""
    pass_second_factor(client, administrator)
    return client
