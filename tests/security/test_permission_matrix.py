"""Every role against every URL, by GET and by POST: the status the permission matrix gives, and a refused,
not-allowed or invalid request changes no row.

The URLs come from walking the resolver, so a URL added later without a row in ROWS (or ADMIN_ROWS for
the Django admin) fails `test_every_url_has_exactly_one_row`: nobody forgets to decide who may use it,
nor whether opening it is recorded in the access log. ROWS is the matrix of docs/security.md.

Each role's requests run in one test against one world (a meeting in progress with a draft and a signed
decision): every request is made in a savepoint that is rolled back afterwards, so requests do not see
each other's changes and the world is built once per role. POSTs carry no data: an allowed role gets the
form's "invalid" answer (422), a refused role 403, and a method the view does not take 405 for everyone.
"""

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.test import override_settings
from django.urls import reverse

from cases.access import Role
from cases.audit.middleware import PATIENT_PAGES
from cases.audit.models import AccessAction, AccessLog, RoleRequest
from cases.jobs.models import JobKind
from cases.jobs.services import start_job
from cases.meetings.models import Attendance
from cases.pathways.guideline_versions import clone_version
from cases.pathways.models import GuidelineVersion
from cases.patients.services import check_import
from cases.reports.tasks import render_case_summary_draft
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.patients.factories import STAGE_IV, make_case
from tests.savepoints import savepoint
from tests.security.conftest import ROLE_FIXTURES
from tests.security.hostile import stored_rows
from tests.security.otp import pass_second_factor
from tests.test_anonymous_access import named_patterns

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(ROLE_FIXTURES)
NOBODY = frozenset()
READERS = frozenset({"coordinator", "clinician", "chair", "viewer"})  # VIEW_PATIENT_DATA
REGISTRARS = frozenset({"coordinator", "chair"})  # REGISTER_PATIENTS
EDITORS = frozenset({"coordinator", "clinician", "chair"})  # EDIT_FINDINGS
MANAGERS = frozenset({"coordinator", "chair"})  # MANAGE_MEETINGS
RECORDERS = frozenset({"clinician", "chair"})  # RECORD_DECISIONS
SIGNERS = frozenset({"chair"})  # SIGN_DECISIONS
SENDERS = frozenset({"coordinator", "clinician", "chair"})  # RECORD_LETTERS_SENT
TRACKERS = frozenset({"coordinator", "clinician", "chair"})  # TRACK_TREATMENTS
ADMINISTRATORS = frozenset({"administrator"})  # VIEW_ACCESS_LOG, MANAGE_ACCOUNTS
GUARDIANS = frozenset({"chair", "administrator"})  # VIEW_RECORD_INTEGRITY
STAFF = frozenset({"content_editor", "administrator"})
CONTENT_EDITORS = frozenset({"content_editor"})
IMPACT_READERS = frozenset({"content_editor", "clinician", "chair"})  # PREVIEW_GUIDELINE_IMPACT
FIGURE_READERS = frozenset({"clinician", "chair", "auditor"})  # VIEW_BOARD_FIGURES
REQUESTER = frozenset({"viewer"})  # who asked for the world's background job
UPLOADER = frozenset({"coordinator"})  # who uploaded the world's file of patients


@dataclass(frozen=True)
class Allow:
    """Who may: ROLES get the status OK, everyone else REFUSED."""

    roles: frozenset
    ok: int
    refused: int = 403


def allow(roles: frozenset, ok: int) -> Allow:
    return Allow(roles, ok)


# The view takes only the other method: refused before any permission check, for everyone.
NOT_ALLOWED = Allow(EVERYONE, 405)


@dataclass(frozen=True)
class Row:
    params: Callable[[dict], dict]
    get: Allow
    post: Allow
    # What an allowed GET writes in the access log (None: the page shows no patient record).
    logged: AccessAction | None = None


def none(w):
    return {}


def patient(w):
    return {"public_id": w["case"].patient.public_id}


def case(w):
    return {"public_id": w["case"].public_id}


def step(w):
    return {"public_id": w["case"].public_id, "slug": "imaging"}


def meeting(w):
    return {"public_id": w["meeting"].public_id}


def item(w):
    return {"public_id": w["meeting"].public_id, "item_id": w["open_item"].public_id}


def attendance(w):
    return {"public_id": w["meeting"].public_id, "attendance_id": w["attendance"].public_id}


def draft(w):
    return {"public_id": w["draft"].public_id}


def signed_decision(w):
    return {"public_id": w["signed"].public_id}


def gp_letter(w):
    return {"public_id": w["signed"].public_id, "recipient": "gp"}


def treatment(w):
    planned = w["signed"].decided_options.exclude(status="").order_by("pk").first()
    return {"decision_id": w["signed"].public_id, "code": planned.code}


def signed_action(w):
    return {"decision_id": w["signed"].public_id, "position": w["signed"].actions.first().position}


def account(w):
    return {"pk": w["target"].pk}


def job(w):
    return {"public_id": w["job"].public_id}


def guideline_draft(w):
    return {"pk": w["guideline_draft"].pk}


def patient_import(w):
    return {"public_id": w["patient_import"].public_id}


VIEW, PDF = AccessAction.VIEW, AccessAction.PDF_DOWNLOAD

# The permission matrix of the app's own URLs (docs/security.md).
ROWS: dict[str, Row] = {
    "dashboard": Row(none, allow(EVERYONE, 200), NOT_ALLOWED, logged=VIEW),
    "login": Row(none, allow(EVERYONE, 302), allow(EVERYONE, 302)),  # signed in already: to the dashboard
    "logout": Row(none, NOT_ALLOWED, allow(EVERYONE, 302)),
    "healthz": Row(none, allow(EVERYONE, 200), NOT_ALLOWED),
    "ping": Row(none, allow(EVERYONE, 200), NOT_ALLOWED),  # the benches' floor page: no data
    # Without a device: to the setup page; the (verified) administrator: on to the dashboard.
    "second_factor": Row(none, allow(EVERYONE, 302), allow(EVERYONE, 302)),
    # The administrator has a device already: sent on to the code page.
    "second_factor_setup": Row(
        none, Allow(EVERYONE - ADMINISTRATORS, 200, refused=302), Allow(EVERYONE - ADMINISTRATORS, 422, refused=302)
    ),
    # One's own password: everyone (an empty POST is the invalid form). Nobody sets another's (ADMIN_ROWS).
    "password_change": Row(none, allow(EVERYONE, 200), allow(EVERYONE, 422)),
    "patients:patient_list": Row(none, allow(READERS, 200), allow(READERS, 200), logged=VIEW),
    "patients:patient_create": Row(none, allow(REGISTRARS, 200), allow(REGISTRARS, 422)),
    "patients:patient_detail": Row(patient, allow(READERS, 200), NOT_ALLOWED, logged=VIEW),
    "patients:patient_edit": Row(patient, allow(REGISTRARS, 200), allow(REGISTRARS, 422), logged=VIEW),
    "patients:case_create": Row(patient, allow(REGISTRARS, 200), allow(REGISTRARS, 422), logged=VIEW),
    "patients:case_list": Row(none, allow(READERS, 200), NOT_ALLOWED, logged=VIEW),
    # Importing patients from a file (docs/fhir.md): an empty POST is the invalid form; the checked rows
    # (the dry run) and their confirmation only for the one who uploaded the file, while their role allows it.
    "patients:import_upload": Row(none, allow(REGISTRARS, 200), allow(REGISTRARS, 422)),
    "patients:import_detail": Row(patient_import, allow(UPLOADER, 200), allow(UPLOADER, 422), logged=VIEW),
    "meetings:case_detail": Row(case, allow(READERS, 200), NOT_ALLOWED, logged=VIEW),
    "patients:case_edit": Row(case, allow(REGISTRARS, 200), allow(REGISTRARS, 422), logged=VIEW),
    "pathways:start": Row(case, allow(READERS, 302), NOT_ALLOWED),
    "pathways:step": Row(step, allow(READERS, 200), allow(EDITORS, 422), logged=VIEW),
    # What-if: evaluates typed values without saving; answers the panel (invalid values are said there).
    "pathways:preview": Row(step, NOT_ALLOWED, allow(READERS, 200)),
    # A guideline draft's impact: counts for editors, clinicians and chairs (POST computes it: 303 back to the
    # page); the cases that change, by name, for clinicians and chairs only.
    "pathways:impact": Row(guideline_draft, allow(IMPACT_READERS, 200), allow(IMPACT_READERS, 303)),
    "pathways:impact_json": Row(guideline_draft, allow(IMPACT_READERS, 200), NOT_ALLOWED),
    "pathways:impact_cases": Row(guideline_draft, allow(RECORDERS, 200), NOT_ALLOWED, logged=VIEW),
    # The coordinator's one-click "ready for the board" (issue 17); an empty POST is the invalid form.
    "pathways:ready": Row(case, NOT_ALLOWED, allow(REGISTRARS, 422)),
    "meetings:list": Row(none, allow(READERS, 200), NOT_ALLOWED),
    "meetings:create": Row(none, allow(MANAGERS, 200), allow(MANAGERS, 422)),
    "meetings:detail": Row(meeting, allow(READERS, 200), NOT_ALLOWED, logged=VIEW),
    "meetings:edit": Row(meeting, allow(MANAGERS, 200), allow(MANAGERS, 422)),
    "meetings:status": Row(meeting, NOT_ALLOWED, allow(MANAGERS, 422)),
    # Closing asks what happens to each undecided case first (an empty answer is incomplete).
    "meetings:close": Row(meeting, allow(MANAGERS, 200), allow(MANAGERS, 422)),
    # A follower's poll: no patient data, so not logged as a read.
    "meetings:follow": Row(meeting, allow(READERS, 200), NOT_ALLOWED),
    # The world's meeting is in no series: refused with a message, back to the page.
    "meetings:standing_members": Row(meeting, NOT_ALLOWED, allow(MANAGERS, 303)),
    "meetings:agenda_add": Row(meeting, NOT_ALLOWED, allow(MANAGERS, 422)),
    # Finding cases to add: an empty search answers the shortlist of ready cases.
    "meetings:agenda_search": Row(meeting, NOT_ALLOWED, allow(MANAGERS, 200), logged=VIEW),
    "meetings:agenda_move": Row(item, NOT_ALLOWED, allow(MANAGERS, 422)),
    "meetings:agenda_remove": Row(item, NOT_ALLOWED, allow(MANAGERS, 303)),
    "meetings:attendance_add": Row(meeting, NOT_ALLOWED, allow(MANAGERS, 422)),
    "meetings:attendance_update": Row(attendance, NOT_ALLOWED, allow(MANAGERS, 422)),
    # The world's meeting has a signed decision: its list is frozen, nobody comes off it (409, with the reason).
    "meetings:attendance_remove": Row(attendance, NOT_ALLOWED, allow(MANAGERS, 409)),
    "meetings:present": Row(meeting, allow(READERS, 302), NOT_ALLOWED),
    "meetings:present_item": Row(item, allow(READERS, 200), NOT_ALLOWED, logged=VIEW),
    "meetings:decision_save": Row(item, NOT_ALLOWED, allow(RECORDERS, 422)),
    "meetings:decision": Row(signed_decision, allow(READERS, 200), NOT_ALLOWED, logged=VIEW),
    "meetings:decision_sign": Row(draft, NOT_ALLOWED, allow(SIGNERS, 422)),
    "meetings:decision_amend": Row(signed_decision, NOT_ALLOWED, allow(RECORDERS, 422)),
    # The follow-up of the board's decisions (issue 20): the worklist of treatments and actions; an empty POST is
    # the invalid form. Bringing a case back to a meeting changes an agenda: those who manage meetings.
    "meetings:follow_up": Row(none, allow(TRACKERS, 200), NOT_ALLOWED, logged=VIEW),
    "meetings:treatment_update": Row(treatment, NOT_ALLOWED, allow(TRACKERS, 422)),
    "meetings:treatment_bring_back": Row(treatment, NOT_ALLOWED, allow(MANAGERS, 422)),
    "meetings:action_done": Row(signed_action, NOT_ALLOWED, allow(TRACKERS, 422)),
    # A signed summary: GET downloads it, POST leads there (303).
    "reports:case_summary": Row(case, allow(READERS, 200), allow(READERS, 303), logged=PDF),
    "reports:decision_summary": Row(signed_decision, allow(READERS, 200), allow(READERS, 303), logged=PDF),
    # The signed decision as a FHIR R4 Bundle (docs/fhir.md): recorded as a download of the decision.
    "reports:decision_fhir": Row(signed_decision, allow(READERS, 200), NOT_ALLOWED, logged=PDF),
    # The world's pack has a draft: GET shows the page that asks for it, POST starts its job (303 to the job).
    # The letters about the signed decision: the first GET stores the letter; an empty "sent" POST is the
    # invalid form. Those who may read the decision download; those who send letters record them sent.
    "reports:decision_letter": Row(gp_letter, allow(READERS, 200), NOT_ALLOWED, logged=PDF),
    "reports:letter_sent": Row(gp_letter, NOT_ALLOWED, allow(SENDERS, 422)),
    "reports:meeting_pack": Row(meeting, allow(READERS, 200), allow(READERS, 303)),
    # A job and its result: only for the one who asked (the viewer, in the world), while their role allows it.
    "jobs:detail": Row(job, allow(REQUESTER, 200), NOT_ALLOWED),
    "jobs:download": Row(job, allow(REQUESTER, 200), NOT_ALLOWED, logged=PDF),
    # The board's figures (issue 20): numbers for chairs, clinicians and auditors; the cases behind a figure
    # (by default the cases listed this quarter) only for those of them who may see patients.
    "reports:board": Row(none, allow(FIGURE_READERS, 200), NOT_ALLOWED),
    "reports:board_csv": Row(none, allow(FIGURE_READERS, 200), NOT_ALLOWED),
    "reports:board_pdf": Row(none, allow(FIGURE_READERS, 200), NOT_ALLOWED),
    "reports:board_cases": Row(none, allow(RECORDERS, 200), NOT_ALLOWED, logged=VIEW),
    "reports:integrity": Row(none, allow(GUARDIANS, 200), NOT_ALLOWED),
    "reports:signing_certificate": Row(none, allow(GUARDIANS, 200), NOT_ALLOWED),
    "audit:access_log": Row(none, allow(ADMINISTRATORS, 200), NOT_ALLOWED),
    "audit:access_log_export": Row(none, allow(ADMINISTRATORS, 200), NOT_ALLOWED),
    "audit:users": Row(none, allow(ADMINISTRATORS, 200), NOT_ALLOWED),
    "audit:end_sessions": Row(account, NOT_ALLOWED, allow(ADMINISTRATORS, 303)),
    "audit:unlock": Row(account, NOT_ALLOWED, allow(ADMINISTRATORS, 303)),
    "audit:reset_second_factor": Row(account, NOT_ALLOWED, allow(ADMINISTRATORS, 303)),
}

# The Django admin, by URL name pattern: (who may GET, who may POST); the last matching pattern counts.
# Users without staff status are sent to the admin's login page; staff without the model permission get
# 403 (404 for an app index). The admin's own statuses vary (forms, redirects), so an allowed request
# must only not be refused.
ADMIN_ROWS: dict[str, tuple[frozenset, frozenset]] = {
    "admin:login": (EVERYONE, EVERYONE),
    "admin:logout": (EVERYONE, EVERYONE),  # users without staff status are sent to the admin's index
    "admin:index": (STAFF, STAFF),
    "admin:password_change": (STAFF, STAFF),
    "admin:password_change_done": (STAFF, STAFF),
    "admin:jsi18n": (STAFF, STAFF),
    "admin:view_on_site": (STAFF, STAFF),
    # Answers only a field's lookup with its parameters: refused when called bare.
    "admin:autocomplete": (NOBODY, NOBODY),
    "admin:app_list": (ADMINISTRATORS, ADMINISTRATORS),  # sampled with the auth app
    # Administrators: accounts (a superuser's only for superusers); the roles they see but do not change.
    "admin:auth_user_*": (ADMINISTRATORS, ADMINISTRATORS),
    # The admin's password URL issues a temporary password (an empty POST is refused as incomplete); the
    # Roles page asks for, approves, refuses and takes away roles (tests/security/test_account_administration.py).
    "admin:auth_user_password_change": (ADMINISTRATORS, ADMINISTRATORS),
    "admin:auth_user_roles": (ADMINISTRATORS, ADMINISTRATORS),
    # Role requests: administrators read them; they are decided on the Roles page, never edited.
    "admin:audit_rolerequest_changelist": (ADMINISTRATORS, ADMINISTRATORS),
    "admin:audit_rolerequest_change": (ADMINISTRATORS, NOBODY),
    "admin:audit_rolerequest_history": (ADMINISTRATORS, ADMINISTRATORS),
    "admin:audit_rolerequest_add": (NOBODY, NOBODY),
    "admin:auth_group_changelist": (ADMINISTRATORS, ADMINISTRATORS),
    "admin:auth_group_change": (ADMINISTRATORS, NOBODY),
    "admin:auth_group_history": (ADMINISTRATORS, ADMINISTRATORS),
    "admin:auth_group_add": (NOBODY, NOBODY),
    # Content editors: clinical content. The active guideline version is read-only; versions are cloned.
    "admin:pathways_*": (CONTENT_EDITORS, CONTENT_EDITORS),
    "admin:pathways_guidelineversion_add": (NOBODY, NOBODY),
    "admin:pathways_guidelineversion_change": (CONTENT_EDITORS, NOBODY),
    "admin:pathways_guidelineversion_simple_history": (CONTENT_EDITORS, NOBODY),  # no revert of the active one
    # Content editors: the letters' letterhead and signatory (one, seeded: nobody adds a second).
    "admin:reports_*": (CONTENT_EDITORS, CONTENT_EDITORS),
    "admin:reports_lettersettings_add": (NOBODY, NOBODY),
    # The task queue (django-tasks-db's read-only admin): superusers only, for IT.
    "admin:django_tasks_database_*": (NOBODY, NOBODY),
    # Nobody deletes accounts, roles or content, not even a superuser for content.
    "admin:*_delete": (NOBODY, NOBODY),
}


def admin_row(name: str) -> tuple[frozenset, frozenset] | None:
    """The row of the last pattern matching NAME (general patterns come first, exceptions after)."""
    matches = [pattern for pattern in ADMIN_ROWS if fnmatch.fnmatchcase(name, pattern)]
    return ADMIN_ROWS[matches[-1]] if matches else None


def all_urls() -> dict[str, object]:
    return dict(named_patterns())


def test_every_url_has_exactly_one_row():
    names = set(all_urls())
    app_names = {name for name in names if not name.startswith("admin:")}
    assert sorted(app_names - set(ROWS)) == [], "a URL without a row in the permission matrix"
    assert sorted(set(ROWS) - app_names) == [], "a row for a URL that no longer exists"
    assert sorted(name for name in names - app_names if admin_row(name) is None) == []


def test_every_logged_page_is_one_the_access_log_middleware_records():
    views = {name for name, row in ROWS.items() if row.logged == VIEW}
    assert views == set(PATIENT_PAGES)


# --- the world and the requests ------------------------------------------------------------------------------


@pytest.fixture
def world(coordinator, clinician, chair, viewer, content_editor, administrator, auditor, no_role_user):
    the_meeting = make_meeting(chair)
    decided = add_item(the_meeting)
    drafted = add_item(the_meeting)
    open_item = add_item(the_meeting, case=make_case(**STAGE_IV))
    job_of = partial(start_job, kind=JobKind.CASE_SUMMARY, subject=open_item.case, title="Draft", back_url="/")
    done_job = job_of(render_case_summary_draft, user=viewer, filename="draft.pdf")
    with override_settings(TASKS=DATABASE_QUEUE):  # one in the queue, never run: the queue's admin has a row
        job_of(render_case_summary_draft, user=chair, filename="queued.pdf")
    return {
        "job": done_job,
        "guideline_draft": clone_version(GuidelineVersion.objects.get(status="active"), content_editor),
        "patient_import": check_import(
            "pas.csv",
            b"hospital_number,family_name,given_names,date_of_birth,sex\nW1,World,Anna,1950-01-01,F\n",
            coordinator,
        ),
        "meeting": the_meeting,
        "case": decided.case,
        "open_item": open_item,
        "draft": record(drafted, clinician),
        "signed": signed(decided, clinician, chair),
        "attendance": Attendance.objects.create(meeting=the_meeting, user=clinician, specialty="medical_oncology"),
        "role_request": RoleRequest.objects.create(account=no_role_user, role=Role.CHAIR, requested_by=administrator),
        "target": viewer,
        "users": {
            "coordinator": coordinator,
            "clinician": clinician,
            "chair": chair,
            "viewer": viewer,
            "content_editor": content_editor,
            "administrator": administrator,
            "auditor": auditor,
            "no_role_user": no_role_user,
        },
    }


SNAPSHOT_APPS = {"patients", "meetings", "pathways", "reports", "auth", "audit", "jobs", "django_tasks_database"}


def snapshot_columns() -> dict:
    """The tables a refusal must not touch (clinical, content, accounts, role requests, temporary passwords,
    and their history), with their columns; binary columns (stored PDFs) are left out, their SHA-256 column
    stands for them. The access log is left out: a refusal is written to it."""
    return {
        model: [f for f in model._meta.concrete_fields if kept(f)]
        for model in apps.get_models()
        if model._meta.app_label in SNAPSHOT_APPS and model._meta.label not in {"auth.Permission", "audit.AccessLog"}
    }


def kept(field) -> bool:
    # last_login changes with every login the test makes; the requests themselves never log in.
    return not isinstance(field, models.BinaryField) and field.name != "last_login"


def snapshot() -> dict[str, list[tuple]]:
    """Every row of those tables, as stored."""
    return {model._meta.label: stored_rows(model, fields) for model, fields in snapshot_columns().items()}


def url_for(name: str, pattern, w: dict) -> str:
    if name in ROWS:
        return reverse(name, kwargs=ROWS[name].params(w))
    return admin_url(name, pattern, w)


def admin_url(name: str, pattern, w: dict) -> str:
    """A URL of the admin with real objects: the target account, the viewer role, the first content row."""
    params = list(pattern.pattern.regex.groupindex)
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": "auth"})
    if name == "admin:view_on_site":
        return reverse(name, kwargs={"content_type_id": "1", "object_id": "1"})
    if not params and pattern.pattern.regex.groups == 0:
        return reverse(name)
    model = next(m for m in apps.get_models() if name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_"))
    if model._meta.label == "auth.User":
        obj = w["target"]
    elif model._meta.label == "auth.Group":
        obj = Group.objects.get(name="viewer")
    else:
        obj = model.objects.order_by("pk").first()
    if name.endswith("_simple_history"):
        return reverse(name, args=[obj.pk, obj.history.order_by("pk").first().pk])
    return reverse(name, kwargs={params[0]: obj.pk})


def login_as(client, role: str, w: dict) -> None:
    user = w["users"][role]
    if role == "administrator":
        pass_second_factor(client, user)
    else:
        client.force_login(user)


def is_admin_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path == reverse("admin:login")


def check(name: str, method: str, role: str, response, changed: Callable[[], bool], logged: set) -> str | None:
    """Return what is wrong with RESPONSE to ROLE's METHOD on NAME, or None (CHANGED: whether rows changed)."""
    status = response.status_code
    if status >= 500:
        return f"answered {status}"
    if name in ROWS:
        row = ROWS[name]
        rule = row.get if method == "get" else row.post
        expected = rule.ok if role in rule.roles else rule.refused
        if status != expected:
            return f"answered {status}, the matrix says {expected}"
        if status in {403, 405, 422} and changed():
            return f"answered {status} but changed a row"
        if status == 403 and AccessAction.REFUSED not in logged:
            return "refused without an access log entry"
        # Only reads by roles that may see patient data are recorded (the dashboard has none for others).
        if method == "get" and status == 200 and row.logged and role in READERS and row.logged not in logged:
            return f"was not recorded as {row.logged.label!r}"
        return None
    get_roles, post_roles = admin_row(name)
    allowed = role in (get_roles if method == "get" else post_roles)
    refused = status in {403, 404, 405} or is_admin_login(response)
    if allowed and (status == 403 or is_admin_login(response)):
        return f"refused with {status} although the matrix allows it"
    if not allowed and not refused and name != "admin:login":
        return f"answered {status} although the matrix refuses it"
    if not allowed and changed():
        return f"was refused ({status}) but changed a row"
    return None


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_each_role_gets_what_the_matrix_says_and_a_refusal_changes_nothing(client, world, role):
    problems = []
    # Every request starts from the same state (each is rolled back), so one snapshot serves them all.
    with savepoint():
        login_as(client, role, world)
        before = snapshot()
        transaction.set_rollback(True)
    for name, pattern in all_urls().items():
        url = url_for(name, pattern, world)
        for method in ("get", "post"):
            with savepoint():
                login_as(client, role, world)
                last_entry = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first()
                try:
                    response = getattr(client, method)(url)
                except Exception as exc:  # a 500: reported with the others below
                    problems.append(f"{method.upper()} {name}: raised {exc!r}")
                    transaction.set_rollback(True)
                    continue

                def changed():
                    return snapshot() != before

                logged = set(AccessLog.objects.filter(pk__gt=last_entry or 0).values_list("action", flat=True))
                problem = check(name, method, role, response, changed, logged)
                if problem:
                    problems.append(f"{method.upper()} {name} ({url}): {problem}")
                transaction.set_rollback(True)
    assert problems == [], "\n".join(problems)


def test_the_sampled_guideline_version_is_the_read_only_active_one():
    """ADMIN_ROWS relies on it: changing the active version is refused even to content editors."""
    assert not GuidelineVersion.objects.order_by("pk").first().is_editable
