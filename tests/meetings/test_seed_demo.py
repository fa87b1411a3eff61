"""`manage.py seed_demo`: one user per role, idempotent."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from cases.access import Role

pytestmark = pytest.mark.django_db


def snapshot():
    users = get_user_model().objects.order_by("username")
    return [
        (u.pk, u.username, u.password, u.is_staff, u.is_superuser, tuple(u.groups.values_list("name", flat=True)))
        for u in users
    ], list(Group.objects.order_by("name").values_list("pk", "name"))


def test_seed_demo_creates_one_user_per_role_and_prints_the_logins(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for role in Role:
        assert get_user_model().objects.filter(groups__name=role.value).count() == 1
    assert "username: chair" in out
    assert "password: demo-chair-2026" in out


def test_the_demo_passwords_work():
    call_command("seed_demo")
    assert get_user_model().objects.get(username="coordinator").check_password("demo-coordinator-2026")


def test_seed_demo_run_twice_leaves_the_same_rows():
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
