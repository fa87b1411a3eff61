"""Separation of duties in account administration (cases/audit/accounts.py, cases/audit/admin.py).

The holes this closes: an administrator gave themselves the chair role in the admin and read patients;
set a clinician's password and logged in as them; neither was in the access log; and the demo
administrator was a superuser who read patient data.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.access import Role
from cases.audit import accounts
from cases.audit.models import AccessAction, AccessLog, PasswordReset, RoleRequest, RoleRequestStatus
from tests.conftest import PASSWORD
from tests.patients.factories import make_case
from tests.security.otp import confirmed_device, current_code, pass_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_administrator(make_user):
    return make_user("admin2", Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def second_admin_client(second_administrator):
    client = Client()
    pass_second_factor(client, second_administrator)
    return client


@pytest.fixture
def superuser_client(django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    pass_second_factor(client, root)
    return client


def roles(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def entries(action: AccessAction) -> list[tuple[str, str]]:
    return list(AccessLog.objects.filter(action=action).order_by("pk").values_list("username", "detail"))


def roles_url(account) -> str:
    return reverse("admin:auth_user_roles", args=[account.pk])


def change_form(account, **changes) -> dict:
    """The admin's change form of ACCOUNT as a browser sends it (every field the admin ever showed)."""
    data = {
        "username": account.username,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "is_active": "on",
        "is_staff": "on" if account.is_staff else "",
        "groups": [str(pk) for pk in account.groups.values_list("pk", flat=True)],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "09:00:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


# --- roles: never to oneself, and two administrators per role ----------------------------------------------


def test_an_administrator_cannot_give_themselves_the_chair_role_in_the_admin_form(admin_client, administrator):
    chair = Group.objects.get(name=Role.CHAIR)
    admin_client.post(
        reverse("admin:auth_user_change", args=[administrator.pk]),
        change_form(administrator, groups=[str(g.pk) for g in administrator.groups.all()] + [str(chair.pk)]),
    )
    assert Role.CHAIR not in roles(administrator)
    make_case()
    assert admin_client.get(reverse("patients:patient_list")).status_code == 403


def test_the_account_form_does_not_change_roles_of_another_account_either(admin_client, no_role_user):
    chair = Group.objects.get(name=Role.CHAIR)
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[no_role_user.pk]),
        change_form(no_role_user, groups=[str(chair.pk)], first_name="Renamed"),
    )
    assert response.status_code == 302
    no_role_user.refresh_from_db()
    assert no_role_user.first_name == "Renamed"
    assert roles(no_role_user) == set()


def test_nobody_asks_for_a_role_for_their_own_account(admin_client, administrator):
    response = admin_client.post(roles_url(administrator), {"action": "request", "role": Role.CHAIR})
    assert response.status_code == 422
    assert "Nobody gives themselves a role" in response.content.decode()
    assert not RoleRequest.objects.exists()
    assert roles(administrator) == {Role.ADMINISTRATOR}


def test_a_role_needs_a_second_administrator(admin_client, second_admin_client, administrator, no_role_user):
    response = admin_client.post(roles_url(no_role_user), {"action": "request", "role": Role.CHAIR})
    assert response.status_code == 303
    role_request = RoleRequest.objects.get()
    assert (role_request.status, role_request.requested_by) == (RoleRequestStatus.PENDING, administrator)
    assert roles(no_role_user) == set()

    # The one who asked cannot approve it.
    mine = admin_client.post(roles_url(no_role_user), {"action": "approve", "role_request": role_request.public_id})
    assert mine.status_code == 422
    assert "a second administrator approves it" in mine.content.decode()
    assert roles(no_role_user) == set()

    # A second administrator can.
    theirs = second_admin_client.post(
        roles_url(no_role_user), {"action": "approve", "role_request": role_request.public_id}
    )
    assert theirs.status_code == 303
    assert roles(no_role_user) == {Role.CHAIR}
    role_request.refresh_from_db()
    assert (role_request.status, role_request.decided_by.username) == (RoleRequestStatus.APPROVED, "admin2")
    assert entries(AccessAction.ROLE_REQUESTED) == [("admin", "Chair for norole; needs a second administrator")]
    assert entries(AccessAction.ROLE_GRANTED) == [("admin2", "Chair to norole, asked by admin")]


def test_nobody_approves_a_role_for_their_own_account(admin_client, second_admin_client, second_administrator):
    admin_client.post(roles_url(second_administrator), {"action": "request", "role": Role.CONTENT_EDITOR})
    role_request = RoleRequest.objects.get()
    response = second_admin_client.post(
        roles_url(second_administrator), {"action": "approve", "role_request": role_request.public_id}
    )
    assert response.status_code == 422
    assert roles(second_administrator) == {Role.ADMINISTRATOR}
    assert RoleRequest.objects.get().status == RoleRequestStatus.PENDING


def test_the_asker_withdraws_and_another_administrator_refuses(admin_client, second_admin_client, viewer, chair):
    admin_client.post(roles_url(viewer), {"action": "request", "role": Role.CLINICIAN})
    admin_client.post(roles_url(chair), {"action": "request", "role": Role.CONTENT_EDITOR})
    withdrawn, refused = RoleRequest.objects.order_by("pk")
    admin_client.post(roles_url(viewer), {"action": "refuse", "role_request": withdrawn.public_id})
    second_admin_client.post(roles_url(chair), {"action": "refuse", "role_request": refused.public_id})
    statuses = list(RoleRequest.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [RoleRequestStatus.WITHDRAWN, RoleRequestStatus.REFUSED]
    assert (roles(viewer), roles(chair)) == ({Role.VIEWER}, {Role.CHAIR})
    assert entries(AccessAction.ROLE_WITHDRAWN) == [("admin", "Clinician for viewer")]
    assert entries(AccessAction.ROLE_REFUSED) == [("admin2", "Content editor for chair")]


def test_a_superuser_gives_a_role_alone(superuser_client, no_role_user):
    response = superuser_client.post(roles_url(no_role_user), {"action": "request", "role": Role.COORDINATOR})
    assert response.status_code == 303
    assert roles(no_role_user) == {Role.COORDINATOR}
    assert not RoleRequest.objects.exists()
    assert entries(AccessAction.ROLE_GRANTED) == [("root", "Coordinator to norole (superuser, no request)")]


def test_the_administrator_role_and_the_patient_data_roles_are_never_held_together(
    admin_client, second_admin_client, clinician, second_administrator
):
    response = admin_client.post(roles_url(clinician), {"action": "request", "role": Role.ADMINISTRATOR})
    assert response.status_code == 422
    assert "An administrator sees no patient data" in response.content.decode()
    response = admin_client.post(roles_url(second_administrator), {"action": "request", "role": Role.VIEWER})
    assert response.status_code == 422
    assert not RoleRequest.objects.exists()


def test_taking_a_role_away_is_immediate_and_closes_the_admin_to_former_staff(admin_client, content_editor):
    response = admin_client.post(roles_url(content_editor), {"action": "remove", "role": Role.CONTENT_EDITOR})
    assert response.status_code == 303
    content_editor.refresh_from_db()
    assert roles(content_editor) == set()
    assert not content_editor.is_staff
    assert entries(AccessAction.ROLE_REMOVED) == [("admin", "Content editor from editor")]


def test_an_approved_content_editor_or_administrator_becomes_staff(superuser_client, no_role_user):
    superuser_client.post(roles_url(no_role_user), {"action": "request", "role": Role.CONTENT_EDITOR})
    no_role_user.refresh_from_db()
    assert no_role_user.is_staff


def test_an_empty_or_made_up_action_changes_nothing(admin_client, viewer):
    assert admin_client.post(roles_url(viewer), {}).status_code == 422
    other = {"action": "approve", "role_request": "00000000-0000-0000-0000-000000000000"}
    assert admin_client.post(roles_url(viewer), other).status_code == 422
    assert roles(viewer) == {Role.VIEWER}


def test_the_database_refuses_an_approval_by_the_one_who_asked(administrator, no_role_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleRequest.objects.create(
            account=no_role_user,
            role=Role.CHAIR,
            requested_by=administrator,
            status=RoleRequestStatus.APPROVED,
            decided_by=administrator,
            decided_at=timezone.now(),
        )


def test_the_database_refuses_a_request_for_oneself(administrator):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleRequest.objects.create(account=administrator, role=Role.CHAIR, requested_by=administrator)


def request_as(user):
    request = RequestFactory().post("/admin/")
    request.user = user
    request.session = {}
    return request


def test_a_role_is_not_given_when_its_access_log_entry_cannot_be_written(
    monkeypatch, administrator, second_administrator, no_role_user
):
    role_request = accounts.request_role(request_as(administrator), no_role_user, Role.CHAIR)

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(accounts, "record_access", broken)
    with pytest.raises(DatabaseError):
        accounts.approve_role(request_as(second_administrator), role_request)
    assert roles(no_role_user) == set()
    assert RoleRequest.objects.get().status == RoleRequestStatus.PENDING


# --- passwords: nobody sets another's; a reset makes the user choose their own --------------------------------


def test_an_administrator_cannot_set_another_users_password(admin_client, clinician):
    url = reverse("admin:auth_user_password_change", args=[clinician.pk])
    admin_client.post(
        url, {"password1": "Attacker-chosen-42", "password2": "Attacker-chosen-42", "usable_password": "true"}
    )
    clinician.refresh_from_db()
    assert clinician.check_password(PASSWORD)
    assert not clinician.check_password("Attacker-chosen-42")
    assert (
        Client().post(reverse("login"), {"username": "clinician", "password": "Attacker-chosen-42"}).status_code == 200
    )


def log_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def reset(admin_client, account, **extra) -> str:
    url = reverse("admin:auth_user_password_change", args=[account.pk])
    response = admin_client.post(url, {"confirm": "on", **extra})
    assert response.status_code == 200
    return re.search(r'<code id="temporary-password">([a-z0-9-]+)</code>', response.content.decode()).group(1)


def test_a_reset_gives_a_temporary_password_that_only_leads_to_choosing_ones_own(admin_client, clinician):
    old_session = Client()
    old_session.force_login(clinician)
    temporary = reset(admin_client, clinician)

    assert old_session.get(reverse("patients:case_list")).status_code == 302  # their sessions ended
    assert not get_user_model().objects.get(pk=clinician.pk).check_password(PASSWORD)
    assert entries(AccessAction.PASSWORD_RESET) == [
        ("admin", "clinician: temporary password for 72 hours; 0 second-factor device(s) removed; 1 session(s) ended")
    ]

    browser = Client()
    assert log_in(browser, "clinician", temporary).status_code == 302
    for url in (reverse("dashboard"), reverse("patients:case_list"), reverse("meetings:list")):
        response = browser.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("password_change"))
    page = browser.get(reverse("password_change"))
    assert "You logged in with a temporary password" in page.content.decode()

    same = {"old_password": temporary, "new_password1": temporary, "new_password2": temporary}
    assert browser.post(reverse("password_change"), same).status_code == 422
    chosen = {"old_password": temporary, "new_password1": "my own quiet meadow", "new_password2": "my own quiet meadow"}
    assert browser.post(reverse("password_change"), chosen).status_code == 303
    assert browser.get(reverse("patients:case_list")).status_code == 200
    assert not PasswordReset.objects.exists()
    assert entries(AccessAction.PASSWORD_CHANGED) == [("clinician", "replacing a temporary password")]
    assert log_in(Client(), "clinician", "my own quiet meadow").status_code == 302
    assert log_in(Client(), "clinician", temporary).status_code == 200


def test_an_htmx_request_with_a_temporary_password_is_sent_to_choose_one(admin_client, clinician):
    temporary = reset(admin_client, clinician)
    browser = Client()
    log_in(browser, "clinician", temporary)
    response = browser.get(reverse("patients:case_list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("password_change"))


def test_a_temporary_password_stops_working_after_72_hours(admin_client, clinician):
    temporary = reset(admin_client, clinician)
    PasswordReset.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert log_in(Client(), "clinician", temporary).status_code == 200
    assert AccessLog.objects.filter(action=AccessAction.LOGIN_FAILED, username="clinician").exists()


def test_a_reset_without_the_confirmation_changes_nothing(admin_client, clinician):
    url = reverse("admin:auth_user_password_change", args=[clinician.pk])
    assert admin_client.post(url, {}).status_code == 422
    clinician.refresh_from_db()
    assert clinician.check_password(PASSWORD)
    assert not PasswordReset.objects.exists()


def test_a_reset_for_a_lost_phone_also_removes_the_second_factor(admin_client, clinician):
    confirmed_device(clinician)
    reset(admin_client, clinician, second_factor="on")
    assert not TOTPDevice.objects.filter(user=clinician).exists()


def test_a_reset_administrator_sets_up_a_second_factor_then_chooses_a_password(superuser_client, second_administrator):
    confirmed_device(second_administrator)
    temporary = reset(superuser_client, second_administrator, second_factor="on")
    browser = Client()
    log_in(browser, "admin2", temporary)
    first = browser.get(reverse("audit:users"))
    assert first["Location"].startswith(reverse("second_factor"))
    browser.get(reverse("second_factor_setup"))
    device = TOTPDevice.objects.get(user=second_administrator, confirmed=False)
    browser.post(reverse("second_factor_setup"), {"token": current_code(device)})
    then = browser.get(reverse("audit:users"))
    assert then["Location"].startswith(reverse("password_change"))
    chosen = {"old_password": temporary, "new_password1": "a fresh long phrase", "new_password2": "a fresh long phrase"}
    assert browser.post(reverse("password_change"), chosen).status_code == 303
    assert browser.get(reverse("audit:users")).status_code == 200


def test_only_a_superuser_resets_an_administrators_password(admin_client, second_administrator, administrator):
    for account in (second_administrator, administrator):
        url = reverse("admin:auth_user_password_change", args=[account.pk])
        assert admin_client.post(url, {"confirm": "on"}).status_code == 403
        account.refresh_from_db()
        assert account.check_password(PASSWORD)
    assert not PasswordReset.objects.exists()


def test_a_superusers_account_is_out_of_an_administrators_reach(admin_client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    assert (
        admin_client.post(reverse("admin:auth_user_password_change", args=[root.pk]), {"confirm": "on"}).status_code
        == 404
    )
    assert admin_client.post(roles_url(root), {"action": "remove", "role": Role.CHAIR}).status_code == 404


def test_the_admins_change_password_link_leads_to_the_apps_recorded_page(admin_client):
    response = admin_client.get(reverse("admin:password_change"))
    assert (response.status_code, response["Location"]) == (302, reverse("password_change"))


def test_anyone_changes_their_own_password_and_it_is_recorded(client, viewer):
    client.force_login(viewer)
    new = {
        "old_password": PASSWORD,
        "new_password1": "viewer's brand new phrase",
        "new_password2": "viewer's brand new phrase",
    }
    assert client.post(reverse("password_change"), new).status_code == 303
    viewer.refresh_from_db()
    assert viewer.check_password("viewer's brand new phrase")
    assert entries(AccessAction.PASSWORD_CHANGED) == [("viewer", "")]
    assert client.get(reverse("patients:case_list")).status_code == 200  # still logged in


# --- every change to accounts, roles' permissions and devices is in the access log ---------------------------


def test_a_new_account_has_no_password_and_its_creation_is_recorded(admin_client):
    form = {"username": "newcomer", "first_name": "New", "last_name": "Comer", "email": "new@example.org"}
    assert admin_client.post(reverse("admin:auth_user_add"), form).status_code == 302
    account = get_user_model().objects.get(username="newcomer")
    assert not account.has_usable_password()
    assert entries(AccessAction.ACCOUNT_CREATED) == [("admin", "newcomer: username, first_name, last_name, email")]


def test_changing_and_deactivating_an_account_is_recorded_and_ends_its_sessions(admin_client, viewer):
    browser = Client()
    browser.force_login(viewer)
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[viewer.pk]), change_form(viewer, last_name="Moved", is_active="")
    )
    assert response.status_code == 302
    assert entries(AccessAction.ACCOUNT_CHANGED) == [("admin", "viewer: last_name, is_active")]
    assert browser.get(reverse("patients:case_list")).status_code == 302


def test_a_superuser_changing_a_roles_permissions_is_recorded(superuser_client):
    group = Group.objects.get(name=Role.VIEWER)
    permission = Permission.objects.get(codename="view_user")
    data = {"name": group.name, "permissions": [str(permission.pk)]}
    assert superuser_client.post(reverse("admin:auth_group_change", args=[group.pk]), data).status_code == 302
    assert entries(AccessAction.GROUP_CHANGED) == [("root", "viewer (changed): permissions")]


def test_an_administrator_only_views_the_roles(admin_client):
    group = Group.objects.get(name=Role.VIEWER)
    response = admin_client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "hacked"})
    assert response.status_code == 403
    assert Group.objects.filter(name=Role.VIEWER).exists()


def test_role_requests_are_listed_for_administrators_and_read_only(admin_client, no_role_user):
    admin_client.post(roles_url(no_role_user), {"action": "request", "role": Role.VIEWER})
    page = admin_client.get(reverse("admin:audit_rolerequest_changelist"))
    assert page.status_code == 200
    assert "norole" in page.content.decode()
    role_request = RoleRequest.objects.get()
    change = reverse("admin:audit_rolerequest_change", args=[role_request.pk])
    assert admin_client.post(change, {"status": "approved"}).status_code == 403
    assert RoleRequest.objects.get().status == RoleRequestStatus.PENDING


# --- the demo administrator ----------------------------------------------------------------------------------


def test_the_demo_administrator_is_no_superuser_and_sees_no_patient_data(client):
    call_command("seed_demo")
    admin = get_user_model().objects.get(username="admin")
    assert not admin.is_superuser
    assert roles(admin) == {Role.ADMINISTRATOR}
    pass_second_factor(client, admin)
    case = make_case()
    for url in (
        reverse("patients:patient_list"),
        reverse("patients:case_list"),
        reverse("meetings:case_detail", args=[case.public_id]),
        reverse("reports:case_summary", args=[case.public_id]),
        reverse("meetings:list"),
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("audit:users")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
