"""Roles and what each may do, shared by every app.

Roles are Django groups (created by the patients app's data migration). Views call `require(user, ACTION)`
(403 unless allowed), ask `can(user, ACTION)` when a page only shows or hides a control, or use the
per-object fetch-or-403 helpers of the app that owns the object (e.g. cases.patients.access.get_case).
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


class Role(models.TextChoices):
    """The board's roles; the value is the Django group name."""

    COORDINATOR = "coordinator", "Coordinator"
    CLINICIAN = "clinician", "Clinician"
    CHAIR = "chair", "Chair"
    VIEWER = "viewer", "Viewer"
    CONTENT_EDITOR = "content_editor", "Content editor"
    ADMINISTRATOR = "administrator", "Administrator"
    AUDITOR = "auditor", "Auditor"


class Action(StrEnum):
    VIEW_PATIENT_DATA = "view patient data"
    REGISTER_PATIENTS = "register patients and cases"
    EDIT_FINDINGS = "edit findings"
    MANAGE_MEETINGS = "manage meetings, agendas and attendance"
    RECORD_DECISIONS = "record and amend board decisions"
    SIGN_DECISIONS = "sign board decisions"
    VIEW_ACCESS_LOG = "view and export the access log"
    MANAGE_ACCOUNTS = "end users' sessions, unlock logins and reset second factors"
    PREVIEW_GUIDELINE_IMPACT = "preview what a guideline draft would change"
    LIST_IMPACTED_CASES = "list the cases a guideline draft would change"
    VIEW_RECORD_INTEGRITY = "see the signing certificate and the record's integrity alarms"
    RECORD_LETTERS_SENT = "record that a letter about a decision was sent"
    TRACK_TREATMENTS = "record whether decided treatments were carried out and bring cases back to the board"
    VIEW_BOARD_FIGURES = "see the board's figures (concordance, KPIs) as numbers"


# The permission matrix (docs/security.md explains it). Content editors maintain clinical content
# and never see patient data; viewers read but change nothing; administrators look after accounts and
# the access log, which names records by UUID only, and see no patient data either; auditors see the board's
# figures as aggregates only.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_PATIENT_DATA: frozenset({Role.COORDINATOR, Role.CLINICIAN, Role.CHAIR, Role.VIEWER}),
    Action.REGISTER_PATIENTS: frozenset({Role.COORDINATOR, Role.CHAIR}),
    Action.EDIT_FINDINGS: frozenset({Role.COORDINATOR, Role.CLINICIAN, Role.CHAIR}),
    Action.MANAGE_MEETINGS: frozenset({Role.COORDINATOR, Role.CHAIR}),
    Action.RECORD_DECISIONS: frozenset({Role.CLINICIAN, Role.CHAIR}),
    # Any chair may sign, not only the meeting's own chair: a deputy chairs when the chair is away,
    # and the record names who signed (docs/meetings.md).
    Action.SIGN_DECISIONS: frozenset({Role.CHAIR}),
    Action.VIEW_ACCESS_LOG: frozenset({Role.ADMINISTRATOR}),
    Action.MANAGE_ACCOUNTS: frozenset({Role.ADMINISTRATOR}),
    # The impact preview of a guideline draft: counts for whoever weighs the draft (the content editor who
    # wrote it and the clinicians and chairs who will work with it); which cases change, with their names,
    # only for the clinicians and chairs who look after them (docs/content-admin.md).
    Action.PREVIEW_GUIDELINE_IMPACT: frozenset({Role.CONTENT_EDITOR, Role.CLINICIAN, Role.CHAIR}),
    Action.LIST_IMPACTED_CASES: frozenset({Role.CLINICIAN, Role.CHAIR}),
    # Those who answer for the signed record: the chair signs it, administrators run the installation
    # (the page names records by UUID only).
    Action.VIEW_RECORD_INTEGRITY: frozenset({Role.CHAIR, Role.ADMINISTRATOR}),
    # Those who send the board's letters out: the coordinator mostly, a clinician or the chair at times.
    Action.RECORD_LETTERS_SENT: frozenset({Role.COORDINATOR, Role.CLINICIAN, Role.CHAIR}),
    # Following up the board's decisions (issue 20): the coordinator mostly, from the follow-up worklist; the
    # clinicians and chairs who treat the patients know first what was done.
    Action.TRACK_TREATMENTS: frozenset({Role.COORDINATOR, Role.CLINICIAN, Role.CHAIR}),
    # The board's figures (issue 20: "for chairs, clinicians and an auditor role that sees aggregates only").
    # Auditors get the numbers and nothing else; the cases behind a figure need VIEW_PATIENT_DATA as well, so
    # only chairs and clinicians follow a figure to its cases. Coordinators and viewers are not named by the
    # issue and do not see the figures (docs/security.md).
    Action.VIEW_BOARD_FIGURES: frozenset({Role.CHAIR, Role.CLINICIAN, Role.AUDITOR}),
}


def needs_second_factor(user) -> bool:
    """Return True if USER must pass the second factor (TOTP) before using the app: administrators
    and superusers, whose accounts can change every other account."""
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.ADMINISTRATOR))


def user_roles(user) -> list[Role]:
    """Return the user's roles in a stable order, cached on the user for the request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_sinen_roles", None)
    if cached is None:
        # The request's user comes with its groups' names (cases.audit.backends.AccountBackend.get_user);
        # any other user object asks the database.
        read = getattr(user, "group_names", None)
        names = set(read.split("\n")) if read is not None else set(user.groups.values_list("name", flat=True))
        cached = [role for role in Role if role.value in names]
        user._sinen_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    """Return True if the user holds at least one of ROLES."""
    return any(role in roles for role in user_roles(user))


def can(user, action: Action) -> bool:
    """Return True if USER may perform ACTION (superusers may do everything)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or has_role(user, *PERMISSIONS[action])


def require(user, action: Action) -> None:
    """Raise PermissionDenied unless USER may perform ACTION."""
    if not can(user, action):
        raise PermissionDenied(f"Your role does not allow you to {action}.")


def role_context(request: HttpRequest) -> dict:
    """Template context: `user_roles`, and `may` (what the user may do: `may.manage_meetings` …), evaluated lazily."""
    user = request.user
    return {
        "user_roles": SimpleLazyObject(lambda: user_roles(user)),
        "may": SimpleLazyObject(lambda: {action.name.lower(): can(user, action) for action in Action}),
    }


def without_patient_data(view):
    """Mark VIEW as answering without patient data, so that NoStoreMiddleware (which forbids browsers to keep
    any other answer) leaves its caching to it, e.g. revalidation with an ETag."""
    view.without_patient_data = True
    return view
