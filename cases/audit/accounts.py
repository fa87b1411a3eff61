"""Account administration with separation of duties: roles, temporary passwords, second-factor devices.

Each function is one transaction that makes the change and writes its access log entry, so neither exists
without the other. The rules (docs/security.md, "Account administration"):

- Every role is given by two people: one administrator asks (`request_role`), another approves
  (`approve_role`); nobody asks for or decides on a role for their own account. A superuser gives a role
  alone (installation and emergencies). Taking a role away needs one administrator (`remove_role`).
- The administrator role and the roles that see patient data are never held by one account: whoever
  administers accounts must not read the records those accounts open.
- Nobody sets another person's password. An administrator issues a temporary password (`reset_password`)
  that works once, for TEMPORARY_PASSWORD_HOURS, and only leads to choosing a new one
  (`change_own_password`); the user's sessions end, and their second factor is reset only when asked
  (a lost phone), so they set up a new one after logging in where their role requires one.
  An administrator's or a superuser's password is reset by a superuser only: another administrator
  could otherwise take over the second pair of eyes.
- Administrators act on accounts that are not superusers; only a superuser acts on a superuser.
"""

import secrets
from datetime import timedelta

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.access import PERMISSIONS, Action, Role, can
from cases.audit import sessions
from cases.audit.log import record_access
from cases.audit.models import AccessAction, PasswordReset, RoleRequest, RoleRequestStatus

# Roles that open the admin (is_staff follows them); the roles that see patient data.
STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.CONTENT_EDITOR})
PATIENT_DATA_ROLES = PERMISSIONS[Action.VIEW_PATIENT_DATA]
TEMPORARY_PASSWORD_HOURS = 72
# No 0/O, 1/l/I: the password is read out or written down once, by the administrator, for the user.
TEMPORARY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


class AccountRuleError(PermissionDenied):
    """A change the rules of account administration do not allow; the message says why (shown as is)."""


def role_label(role: str) -> str:
    return Role(role).label


def roles_of(account) -> set[Role]:
    names = set(account.groups.values_list("name", flat=True))
    return {role for role in Role if role.value in names}


def check_may_administer(actor, account) -> None:
    """Raise unless ACTOR administers accounts, and ACCOUNT is no superuser unless ACTOR is one."""
    if not can(actor, Action.MANAGE_ACCOUNTS):
        raise PermissionDenied("Only administrators manage accounts.")
    if account.is_superuser and not actor.is_superuser:
        raise AccountRuleError("Only a superuser may change a superuser's account.")


def role_conflict(held: set[Role], role: Role) -> str | None:
    """Why ROLE cannot join the roles HELD, or None: administration and patient data never in one account."""
    if role == Role.ADMINISTRATOR and held & PATIENT_DATA_ROLES:
        return (
            "An administrator sees no patient data: take the account's board roles away first, or give the "
            "person a separate account for administration."
        )
    if role in PATIENT_DATA_ROLES and Role.ADMINISTRATOR in held:
        return "An administrator sees no patient data: the person needs a separate account for the board."
    return None


def _check_role_may_be_given(account, role: Role) -> None:
    held = roles_of(account)
    if role in held:
        raise AccountRuleError(f"{account.get_username()} holds the role {role.label} already.")
    if not account.is_active:
        raise AccountRuleError(f"{account.get_username()} is deactivated: activate the account first.")
    if conflict := role_conflict(held, role):
        raise AccountRuleError(conflict)


def _give(account, role: Role) -> None:
    account.groups.add(Group.objects.get_or_create(name=role.value)[0])
    _sync_staff(account)


def _sync_staff(account) -> None:
    """Open the admin to exactly the accounts whose roles work there (and superusers)."""
    staff = account.is_superuser or bool(roles_of(account) & STAFF_ROLES)
    if account.is_staff != staff:
        account.is_staff = staff
        account.save(update_fields=["is_staff"])


# --- roles -------------------------------------------------------------------------------------------------


@transaction.atomic
def request_role(request, account, role: Role) -> RoleRequest | None:
    """Ask for ROLE to be given to ACCOUNT; a superuser gives it at once (returns None then)."""
    actor = request.user
    check_may_administer(actor, account)
    if account.pk == actor.pk:
        raise AccountRuleError("Nobody gives themselves a role: another administrator asks for it.")
    _check_role_may_be_given(account, role)
    name = account.get_username()
    if actor.is_superuser:
        _give(account, role)
        record_access(request, AccessAction.ROLE_GRANTED, detail=f"{role.label} to {name} (superuser, no request)")
        return None
    if RoleRequest.objects.filter(account=account, role=role, status=RoleRequestStatus.PENDING).exists():
        raise AccountRuleError(f"A request for {role.label} for {name} is waiting for approval already.")
    role_request = RoleRequest.objects.create(account=account, role=role, requested_by=actor)
    record_access(
        request,
        AccessAction.ROLE_REQUESTED,
        role_request,
        detail=f"{role.label} for {name}; needs a second administrator",
    )
    return role_request


def _pending(role_request: RoleRequest) -> RoleRequest:
    """The request, locked for this transaction, if it is still waiting."""
    locked = RoleRequest.objects.select_for_update().select_related("account", "requested_by").get(pk=role_request.pk)
    if locked.status != RoleRequestStatus.PENDING:
        raise AccountRuleError(f"This request was {locked.get_status_display().lower()} already.")
    return locked


def _decide(role_request: RoleRequest, actor, status: RoleRequestStatus) -> None:
    role_request.status = status
    role_request.decided_by = actor
    role_request.decided_at = timezone.now()
    role_request.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic
def approve_role(request, role_request: RoleRequest) -> None:
    """Give the requested role: by an administrator other than the one who asked and the account itself."""
    actor = request.user
    role_request = _pending(role_request)
    account = role_request.account
    check_may_administer(actor, account)
    if actor.pk == role_request.requested_by_id:
        raise AccountRuleError("You asked for this role: a second administrator approves it.")
    if actor.pk == account.pk:
        raise AccountRuleError("Nobody approves a role for their own account.")
    role = Role(role_request.role)
    _check_role_may_be_given(account, role)
    _give(account, role)
    _decide(role_request, actor, RoleRequestStatus.APPROVED)
    record_access(
        request,
        AccessAction.ROLE_GRANTED,
        role_request,
        detail=f"{role.label} to {account.get_username()}, asked by {role_request.requested_by.get_username()}",
    )


@transaction.atomic
def refuse_role(request, role_request: RoleRequest) -> None:
    """Close the request without giving the role: the one who asked withdraws it, another administrator refuses."""
    actor = request.user
    role_request = _pending(role_request)
    check_may_administer(actor, role_request.account)
    if actor.pk == role_request.account_id:
        raise AccountRuleError("Nobody decides on a role for their own account.")
    withdrawn = actor.pk == role_request.requested_by_id
    _decide(role_request, actor, RoleRequestStatus.WITHDRAWN if withdrawn else RoleRequestStatus.REFUSED)
    record_access(
        request,
        AccessAction.ROLE_WITHDRAWN if withdrawn else AccessAction.ROLE_REFUSED,
        role_request,
        detail=f"{role_label(role_request.role)} for {role_request.account.get_username()}",
    )


@transaction.atomic
def remove_role(request, account, role: Role) -> None:
    """Take ROLE away from ACCOUNT at once: less access needs no second pair of eyes."""
    check_may_administer(request.user, account)
    if role not in roles_of(account):
        raise AccountRuleError(f"{account.get_username()} does not hold the role {role.label}.")
    account.groups.remove(*Group.objects.filter(name=role.value))
    _sync_staff(account)
    record_access(request, AccessAction.ROLE_REMOVED, detail=f"{role.label} from {account.get_username()}")


# --- passwords ---------------------------------------------------------------------------------------------


def temporary_password() -> str:
    """Four groups of five characters: about 100 bits, easy to read out and type."""
    return "-".join("".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(5)) for _ in range(4))


def check_may_reset_password(actor, account) -> None:
    check_may_administer(actor, account)
    if account.pk == actor.pk:
        raise AccountRuleError("Change your own password on the Change password page.")
    if not actor.is_superuser and Role.ADMINISTRATOR in roles_of(account):
        raise AccountRuleError("Only a superuser resets an administrator's password.")


@transaction.atomic
def reset_password(request, account, *, second_factor: bool) -> str:
    """Give ACCOUNT a temporary password that only leads to choosing a new one; return it (shown once).

    Ends the account's sessions; with SECOND_FACTOR also removes its authenticator devices (a lost phone).
    """
    actor = request.user
    check_may_reset_password(actor, account)
    password = temporary_password()
    account.set_password(password)
    account.save(update_fields=["password"])
    expires_at = timezone.now() + timedelta(hours=TEMPORARY_PASSWORD_HOURS)
    PasswordReset.objects.update_or_create(user=account, defaults={"issued_by": actor, "expires_at": expires_at})
    removed = TOTPDevice.objects.filter(user=account).delete()[0] if second_factor else 0
    ended = sessions.end_sessions_of(account)
    record_access(
        request,
        AccessAction.PASSWORD_RESET,
        detail=(
            f"{account.get_username()}: temporary password for {TEMPORARY_PASSWORD_HOURS} hours; "
            f"{removed} second-factor device(s) removed; {ended} session(s) ended"
        ),
    )
    return password


@transaction.atomic
def change_own_password(request, new_password: str) -> None:
    """Set the signed-in user's new password (a temporary one is then gone) and keep them logged in."""
    user = request.user
    user.set_password(new_password)
    user.save(update_fields=["password"])
    was_temporary = PasswordReset.objects.filter(user=user).delete()[0] > 0
    request.session.pop(sessions.TEMPORARY_LOGIN, None)
    update_session_auth_hash(request, user)
    record_access(
        request, AccessAction.PASSWORD_CHANGED, detail="replacing a temporary password" if was_temporary else ""
    )


def temporary_password_expired(user) -> bool:
    return PasswordReset.objects.filter(user=user, expires_at__lt=timezone.now()).exists()


# --- second-factor devices ---------------------------------------------------------------------------------


@transaction.atomic
# --- changes made in the admin's own forms -----------------------------------------------------------------


def record_account_saved(request, account, changed: list[str], *, created: bool) -> None:
    """Record an account created or changed in the admin, with the fields that changed (never their values
    for passwords). Called inside the admin's transaction, after the save."""
    action = AccessAction.ACCOUNT_CREATED if created else AccessAction.ACCOUNT_CHANGED
    fields = ", ".join(changed) if changed else "nothing"
    record_access(request, action, detail=f"{account.get_username()}: {fields}")


def record_group_saved(request, group, changed: list[str], *, created: bool) -> None:
    fields = ", ".join(changed) if changed else "nothing"
    record_access(
        request, AccessAction.GROUP_CHANGED, detail=f"{group.name} ({'new' if created else 'changed'}): {fields}"
    )
