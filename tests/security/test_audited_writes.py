"""A write and the record of it commit together: when the access log entry or the history row cannot be
written, the write is undone too, so nothing changes without the record saying who changed it.

Each test makes the record fail (the access log's record_access, or simple-history's historical row) and
asserts that the request changed nothing.
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.models import HistoricalRecords

from cases.audit.models import AccessLog
from cases.meetings.models import Attendance, Meeting, MeetingStatus
from cases.patients.models import Case, Patient
from cases.specialties import Specialty
from tests.conftest import PASSWORD
from tests.meetings.factories import make_meeting
from tests.patients.factories import STAGE_IV, make_case
from tests.security.otp import confirmed_device, current_code

pytestmark = pytest.mark.django_db


class RecordFailed(Exception):
    """The audit write failed (disk full, a dropped connection…)."""


def fail(*args, **kwargs):
    raise RecordFailed


def make_the_access_log_fail(monkeypatch) -> None:
    for where in ("cases.audit.services.record_access", "cases.audit.signals.record_access"):
        monkeypatch.setattr(where, fail)


def make_the_history_fail(monkeypatch) -> None:
    monkeypatch.setattr(HistoricalRecords, "create_historical_record", fail)


def logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


# --- account administration: the access log -----------------------------------------------------------------


def test_ending_sessions_is_undone_when_the_log_entry_fails(admin_client, viewer, monkeypatch):
    logged_in(viewer), logged_in(viewer)
    sessions = set(Session.objects.values_list("session_key", flat=True))
    entries = AccessLog.objects.count()
    make_the_access_log_fail(monkeypatch)
    with pytest.raises(RecordFailed):
        admin_client.post(reverse("audit:end_sessions", args=[viewer.pk]))
    assert set(Session.objects.values_list("session_key", flat=True)) == sessions
    assert AccessLog.objects.count() == entries


def test_unlocking_is_undone_when_the_log_entry_fails(admin_client, clinician, monkeypatch):
    for _ in range(5):
        Client().post(reverse("login"), {"username": "clinician", "password": "wrong"})
    attempts = list(AccessAttempt.objects.filter(username="clinician").values_list("pk", "failures_since_start"))
    assert attempts
    make_the_access_log_fail(monkeypatch)
    with pytest.raises(RecordFailed):
        admin_client.post(reverse("audit:unlock", args=[clinician.pk]))
    assert list(AccessAttempt.objects.filter(username="clinician").values_list("pk", "failures_since_start")) == (
        attempts
    )


def test_resetting_a_second_factor_is_undone_when_the_log_entry_fails(admin_client, clinician, monkeypatch):
    device = confirmed_device(clinician)
    phone = logged_in(clinician)
    make_the_access_log_fail(monkeypatch)
    with pytest.raises(RecordFailed):
        admin_client.post(reverse("audit:reset_second_factor", args=[clinician.pk]))
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert Session.objects.filter(session_key=phone.session.session_key).exists()


def test_setting_up_a_second_factor_is_undone_when_the_log_entry_fails(client, clinician, monkeypatch):
    client.post(reverse("login"), {"username": "clinician", "password": PASSWORD})
    client.get(reverse("second_factor_setup"))
    device = TOTPDevice.objects.get(user=clinician)
    make_the_access_log_fail(monkeypatch)
    with pytest.raises(RecordFailed):
        client.post(reverse("second_factor_setup"), {"token": current_code(device)})
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed


def test_a_login_is_undone_when_the_log_entry_fails(client, clinician, monkeypatch):
    make_the_access_log_fail(monkeypatch)
    with pytest.raises(RecordFailed):
        client.post(reverse("login"), {"username": "clinician", "password": PASSWORD})
    clinician.refresh_from_db()
    assert clinician.last_login is None


# --- clinical rows: their history -----------------------------------------------------------------------------


@pytest.fixture
def meeting(chair):
    return make_meeting(chair, status=MeetingStatus.IN_PROGRESS)


def attendance_rows(meeting) -> list[tuple]:
    return list(meeting.attendances.order_by("pk").values_list("pk", "user_id", "name", "specialty", "present"))


def test_adding_a_member_is_undone_when_the_history_fails(coordinator, meeting, monkeypatch):
    browser = logged_in(coordinator)
    make_the_history_fail(monkeypatch)
    with pytest.raises(RecordFailed):
        browser.post(
            reverse("meetings:attendance_add", args=[meeting.public_id]),
            {"name": "Dr Guest", "specialty": Specialty.PATHOLOGY, "present": "on"},
        )
    assert attendance_rows(meeting) == []


@pytest.mark.parametrize(
    ("change", "url_name", "data"),
    [
        ("marking absent", "meetings:attendance_update", {"present": "no"}),
        ("removing", "meetings:attendance_remove", {}),
    ],
)
def test_changing_a_member_is_undone_when_the_history_fails(coordinator, meeting, monkeypatch, change, url_name, data):
    row = Attendance.objects.create(meeting=meeting, name="Dr Guest", specialty=Specialty.PATHOLOGY)
    before = attendance_rows(meeting)
    browser = logged_in(coordinator)
    make_the_history_fail(monkeypatch)
    with pytest.raises(RecordFailed):
        browser.post(reverse(url_name, args=[meeting.public_id, row.public_id]), data)
    assert attendance_rows(meeting) == before, change


def test_planning_a_meeting_is_undone_when_the_history_fails(coordinator, chair, monkeypatch):
    browser = logged_in(coordinator)
    make_the_history_fail(monkeypatch)
    with pytest.raises(RecordFailed):
        browser.post(
            reverse("meetings:create"), {"title": "Extra board", "scheduled_at": "2030-01-07T16:00", "chair": chair.pk}
        )
    assert not Meeting.objects.exists()


def test_editing_a_meeting_is_undone_when_the_history_fails(coordinator, chair, meeting, monkeypatch):
    browser = logged_in(coordinator)
    make_the_history_fail(monkeypatch)
    with pytest.raises(RecordFailed):
        browser.post(
            reverse("meetings:edit", args=[meeting.public_id]),
            {"title": "Renamed", "scheduled_at": "2030-01-07T16:00", "chair": chair.pk},
        )
    meeting.refresh_from_db()
    assert meeting.title != "Renamed"


def test_registering_a_patient_is_undone_when_the_history_fails(coordinator, monkeypatch):
    data = {
        "hospital_number": "H1",
        "family_name": "Kovac",
        "given_name": "Ana",
        "date_of_birth": "1960-01-01",
        "sex": "female",
    }
    browser = logged_in(coordinator)
    make_the_history_fail(monkeypatch)
    with pytest.raises(RecordFailed):
        browser.post(reverse("patients:patient_create"), data)
    assert not Patient.objects.exists()


def test_editing_a_case_is_undone_when_the_history_fails(coordinator, monkeypatch):
    case = make_case(**STAGE_IV)
    data = {"referral_date": "2026-10-01", "referring_clinician": "Dr New", "question": "Changed?", "status": "closed"}
    browser = logged_in(coordinator)
    make_the_history_fail(monkeypatch)
    with pytest.raises(RecordFailed):
        browser.post(reverse("patients:case_edit", args=[case.public_id]), data)
    assert Case.objects.get(pk=case.pk).referring_clinician != "Dr New"
