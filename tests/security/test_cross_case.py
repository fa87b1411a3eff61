"""Another record's UUID in a URL: the wrong role gets 403 (the same for records that do not exist, so a
refusal reveals nothing), the right role 404 for a mismatched or unknown UUID; nothing changes either way."""

import uuid

import pytest
from django.db import transaction
from django.urls import reverse

from cases.meetings.models import Attendance
from tests.meetings.factories import add_item, decision_post, make_meeting, record
from tests.patients.factories import STAGE_IV, make_case
from tests.savepoints import savepoint
from tests.security.hostile import snapshot
from tests.security.otp import pass_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_meetings(chair, clinician):
    mine, theirs = make_meeting(chair, title="Mine"), make_meeting(chair, title="Theirs")
    my_item, their_item = add_item(mine), add_item(theirs)
    their_attendance = Attendance.objects.create(meeting=theirs, name="Dr Other", specialty="surgery")
    return {"mine": mine, "theirs": theirs, "my_item": my_item, "their_item": their_item, "att": their_attendance}


def log_in(client, user) -> None:
    """Log in; an administrator also passes the second factor (else every answer is that redirect)."""
    if user.groups.filter(name="administrator").exists():
        pass_second_factor(client, user)
    else:
        client.force_login(user)


def unchanged(client, method: str, url: str, data=None) -> int:
    with savepoint():
        before = snapshot()
        response = getattr(client, method)(url, data or {})
        assert snapshot() == before, url
        transaction.set_rollback(True)
    return response.status_code


def test_an_item_of_another_meeting_is_not_found_under_this_one(client, clinician, two_meetings):
    w = two_meetings
    client.force_login(clinician)
    url = reverse("meetings:decision_save", args=[w["mine"].public_id, w["their_item"].public_id])
    assert unchanged(client, "post", url, decision_post(w["their_item"])) == 404
    present = reverse("meetings:present_item", args=[w["mine"].public_id, w["their_item"].public_id])
    assert unchanged(client, "get", present) == 404


def test_agenda_and_attendance_of_another_meeting_cannot_be_changed_through_this_one(client, coordinator, two_meetings):
    w = two_meetings
    client.force_login(coordinator)
    item, attendance = [w["mine"].public_id, w["their_item"].public_id], [w["mine"].public_id, w["att"].public_id]
    assert unchanged(client, "post", reverse("meetings:agenda_remove", args=item)) == 404
    assert unchanged(client, "post", reverse("meetings:agenda_move", args=item), {"direction": "up"}) == 404
    assert unchanged(client, "post", reverse("meetings:attendance_remove", args=attendance)) == 404
    assert unchanged(client, "post", reverse("meetings:attendance_update", args=attendance), {"present": "no"}) == 404


@pytest.mark.parametrize("role", ["viewer", "content_editor", "no_role_user", "administrator"])
def test_the_wrong_role_cannot_change_another_case(client, request, role):
    case = make_case(**STAGE_IV)
    log_in(client, request.getfixturevalue(role))
    step = reverse("pathways:step", args=[case.public_id, "presentation"])
    assert unchanged(client, "post", step, {"version": case.version, "symptomatic": "true"}) == 403
    edit = reverse("patients:case_edit", args=[case.public_id])
    data = {"referral_date": "2026-01-01", "referring_clinician": "x", "question": "y"}
    assert unchanged(client, "post", edit, data) == 403


@pytest.mark.parametrize("role", ["content_editor", "no_role_user", "administrator"])
def test_a_refusal_is_the_same_for_a_real_and_an_unknown_uuid(client, request, role):
    case = make_case()
    log_in(client, request.getfixturevalue(role))
    real = client.get(reverse("meetings:case_detail", args=[case.public_id]))
    unknown = client.get(reverse("meetings:case_detail", args=[uuid.uuid4()]))
    assert (real.status_code, unknown.status_code) == (403, 403)
    assert real.content == unknown.content


def test_a_clinician_cannot_sign_and_a_viewer_cannot_amend(client, clinician, viewer, chair):
    from tests.meetings.factories import signed

    item = add_item(make_meeting(chair))
    draft = record(item, clinician)
    client.force_login(clinician)
    sign = reverse("meetings:decision_sign", args=[draft.public_id])
    assert unchanged(client, "post", sign, {"lock_version": draft.lock_version}) == 403
    other = signed(add_item(item.meeting), clinician, chair)
    client.force_login(viewer)
    assert unchanged(client, "post", reverse("meetings:decision_amend", args=[other.public_id]), {"reason": "x"}) == 403


@pytest.mark.parametrize(
    "url",
    [
        "/patients/not-a-uuid/",
        "/cases/12345/",
        "/cases/00000000-0000-0000-0000-00000000000g/",
        "/cases/%00/",
        "/meetings/' OR 1=1 --/",
        "/decisions/../../etc/passwd/",
    ],
)
def test_a_malformed_uuid_is_not_found(client, viewer, url):
    client.force_login(viewer)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["patients:patient_detail", "meetings:case_detail", "meetings:detail", "meetings:decision"]
)
def test_an_unknown_uuid_is_not_found_for_a_reader(client, viewer, name):
    client.force_login(viewer)
    assert client.get(reverse(name, args=[uuid.uuid4()])).status_code == 404
