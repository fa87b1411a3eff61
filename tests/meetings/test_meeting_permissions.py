"""Who may do what with meetings and decisions; a forbidden request answers 403 and changes nothing.

Viewers read everything but change nothing; coordinators and chairs manage meetings; clinicians and chairs
record and amend decisions; only a chair signs. Content editors and users without a role see no meeting.
"""

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from django.urls import reverse

from cases.meetings.models import AgendaItem, Attendance, AttendanceAmendment, Decision, FollowUpAction, Meeting
from cases.patients.models import Case
from tests.meetings.factories import add_item, decision_post, make_meeting, record, signed
from tests.savepoints import savepoint

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "clinician", "chair", "viewer", "content_editor", "no_role_user"]
READERS = {"coordinator", "clinician", "chair", "viewer"}
MANAGERS = {"coordinator", "chair"}
RECORDERS = {"clinician", "chair"}
SIGNERS = {"chair"}


@pytest.fixture
def world(coordinator, clinician, chair):
    """A meeting in progress: a case with a draft decision, one with a signed decision, one undecided."""
    meeting = make_meeting(chair)
    drafted = add_item(meeting)
    decided = add_item(meeting)
    open_item = add_item(meeting)
    draft = record(drafted, clinician)
    done = signed(decided, clinician, chair)
    attendance = Attendance.objects.create(meeting=meeting, user=clinician, specialty="medical_oncology")
    # The meeting's attendance is frozen by its signature; members come off the list of a planned one.
    later = make_meeting(chair, status="planned")
    loose = Attendance.objects.create(meeting=later, name="Dr Ito", specialty="radiology")
    return {
        "later": later,
        "loose": loose,
        "meeting": meeting,
        "draft": draft,
        "signed": done,
        "open_item": open_item,
        "decided_item": decided,
        "attendance": attendance,
        "chair": chair,
    }


def m(w):
    return {"public_id": w["meeting"].public_id}


def mi(w, item="open_item"):
    return {"public_id": w["meeting"].public_id, "item_id": w[item].public_id}


def ma(w):
    return {"public_id": w["meeting"].public_id, "attendance_id": w["attendance"].public_id}


# (name, method, url name, url kwargs, POST data, roles allowed)
ENDPOINTS = [
    ("meeting list", "get", "meetings:list", lambda w: {}, None, READERS),
    ("meeting page", "get", "meetings:detail", m, None, READERS),
    ("meeting mode start", "get", "meetings:present", m, None, READERS),
    ("meeting mode item", "get", "meetings:present_item", mi, None, READERS),
    ("decision record", "get", "meetings:decision", lambda w: {"public_id": w["signed"].public_id}, None, READERS),
    ("new meeting form", "get", "meetings:create", lambda w: {}, None, MANAGERS),
    ("edit meeting form", "get", "meetings:edit", m, None, MANAGERS),
    (
        "plan a meeting",
        "post",
        "meetings:create",
        lambda w: {},
        lambda w: {"title": "Extra board", "scheduled_at": "2027-01-07T16:00", "chair": w["chair"].pk},
        MANAGERS,
    ),
    (
        "edit a meeting",
        "post",
        "meetings:edit",
        m,
        lambda w: {"title": "Renamed", "scheduled_at": "2027-01-07T16:00", "chair": w["chair"].pk},
        MANAGERS,
    ),
    (
        "close the meeting",
        "post",
        "meetings:close",
        m,
        lambda w: {
            f"settle_{w['draft'].agenda_item.public_id}": "not_discussed",
            f"settle_{w['open_item'].public_id}": "not_discussed",
        },
        MANAGERS,
    ),
    (
        "add to the agenda",
        "post",
        "meetings:agenda_add",
        m,
        lambda w: {
            "case": Case.objects.create(patient=w["open_item"].case.patient, **CASE).public_id,
            "planned_minutes": 5,
        },
        MANAGERS,
    ),
    ("move an item", "post", "meetings:agenda_move", mi, lambda w: {"direction": "up"}, MANAGERS),
    ("remove an item", "post", "meetings:agenda_remove", mi, lambda w: {}, MANAGERS),
    (
        "add a member",
        "post",
        "meetings:attendance_add",
        m,
        lambda w: {"name": "Dr Guest", "specialty": "pathology", "present": "on", "reason": "Joined late."},
        MANAGERS,
    ),
    ("mark absent", "post", "meetings:attendance_update", ma, lambda w: {"present": "no", "reason": "Left."}, MANAGERS),
    (
        "remove a member",
        "post",
        "meetings:attendance_remove",
        lambda w: {"public_id": w["later"].public_id, "attendance_id": w["loose"].public_id},
        lambda w: {},
        MANAGERS,
    ),
    ("record a decision", "post", "meetings:decision_save", mi, lambda w: decision_post(w["open_item"]), RECORDERS),
    (
        "sign a decision",
        "post",
        "meetings:decision_sign",
        lambda w: {"public_id": w["draft"].public_id},
        lambda w: {"lock_version": w["draft"].lock_version},
        SIGNERS,
    ),
    (
        "amend a decision",
        "post",
        "meetings:decision_amend",
        lambda w: {"public_id": w["signed"].public_id},
        lambda w: {"reason": "New histology."},
        RECORDERS,
    ),
]
CASE = {"referral_date": "2026-10-01", "referring_clinician": "Dr R", "question": "Next?"}


def database_state():
    """Every meetings row and every case, as plain values, to compare before and after a request."""
    rows = {}
    for model in (Meeting, AgendaItem, Attendance, AttendanceAmendment, Decision, FollowUpAction, Case):
        rows[model.__name__] = sorted(
            (model_to_dict(obj, exclude=["updated_at"]) for obj in model.objects.all()), key=lambda r: r["id"]
        )
    return repr(rows)


def check(role: str, method: str, allowed: set, response, changed: bool) -> str | None:
    """Return what is wrong with ROLE's answer (CHANGED: whether any meetings row or case changed), or None."""
    if role in allowed:
        if response.status_code not in (200, 302, 303):
            return f"answered {response.status_code}: {response.content[:300]!r}"
        if method == "post" and not changed:
            return "was allowed but nothing changed"
    elif response.status_code != 403:
        return f"answered {response.status_code}, not 403"
    elif changed:
        return "was refused but changed a row"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_what_its_row_allows_and_a_refusal_changes_nothing(request, client, world, role):
    """Every endpoint for ROLE against one world, built once per role: each request runs in a savepoint that
    is rolled back afterwards, so requests do not see each other's changes (as the global matrix does)."""
    user = request.getfixturevalue(role)
    problems = []
    for name, method, url_name, kwargs, data, allowed in ENDPOINTS:
        with savepoint():
            client.force_login(user)
            url = reverse(url_name, kwargs=kwargs(world))
            payload = data(world) if data else None
            before = database_state()
            response = client.post(url, payload) if method == "post" else client.get(url)
            problem = check(role, method, allowed, response, database_state() != before)
            if problem:
                may = "may" if role in allowed else "may not"
                problems.append(f"{role} {may} {name} ({method.upper()} {url}): {problem}")
            transaction.set_rollback(True)
    assert problems == [], "\n".join(problems)


def test_only_a_chair_sees_the_sign_button(client, world, clinician, chair, viewer):
    item = world["draft"].agenda_item
    url = reverse("meetings:present_item", kwargs={"public_id": world["meeting"].public_id, "item_id": item.public_id})
    for user, sees in ((clinician, False), (viewer, False), (chair, True)):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert ("Sign version 1 as chair" in page) is sees


def test_a_viewer_reads_meeting_mode_without_a_form(client, world, viewer):
    client.force_login(viewer)
    page = client.get(reverse("meetings:present_item", kwargs=mi(world))).content.decode()
    assert 'data-testid="position"' in page
    assert "Save decision" not in page
    assert "Amend this decision" not in page
