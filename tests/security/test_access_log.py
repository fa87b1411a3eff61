"""The access log: reads of patient pages, logins, failed logins, logouts and refusals; for administrators only.

Entries name records by model and public UUID, never by a patient's name; times are UTC.
"""

import csv
import io
from datetime import UTC

import pytest
from django.test import Client
from django.urls import reverse

from cases.audit.log import append
from cases.audit.models import AccessAction, AccessLog
from tests.conftest import PASSWORD
from tests.meetings.factories import add_item, make_meeting, present_url, signed
from tests.patients.factories import STAGE_IV, make_case, make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return make_case(make_patient(family_name="Lindqvist", given_name="Ebba", hospital_number="MRN-777"), **STAGE_IV)


def entries(**filters) -> list[AccessLog]:
    return list(AccessLog.objects.filter(**filters).order_by("pk"))


def patient_data_in(entry: AccessLog) -> bool:
    text = " ".join(str(value) for value in vars(entry).values())
    return any(word in text for word in ("Lindqvist", "Ebba", "MRN-777"))


@pytest.mark.parametrize(
    ("page", "object_type"),
    [
        (lambda c: reverse("patients:patient_detail", args=[c.patient.public_id]), "patients.patient"),
        (lambda c: reverse("meetings:case_detail", args=[c.public_id]), "patients.case"),
        (lambda c: reverse("pathways:step", args=[c.public_id, "histology"]), "patients.case"),
    ],
    ids=["patient page", "case page", "pathway step"],
)
def test_opening_a_patient_page_is_recorded_with_the_records_uuid_and_no_name(client, viewer, case, page, object_type):
    client.force_login(viewer)
    url = page(case)
    assert client.get(url, REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="WardPC/1.0").status_code == 200
    (entry,) = entries(action=AccessAction.VIEW)
    assert (entry.user, entry.username, entry.object_type, entry.path) == (viewer, "viewer", object_type, url)
    expected = case.patient.public_id if object_type == "patients.patient" else case.public_id
    assert entry.object_id == expected
    assert (entry.method, entry.ip_address, entry.user_agent) == ("GET", "10.1.2.3", "WardPC/1.0")
    assert entry.at.tzinfo is not None and entry.at.utcoffset().total_seconds() == 0
    assert not patient_data_in(entry)


def test_meeting_mode_and_a_decision_record_are_recorded(client, viewer, chair, clinician):
    item = add_item(make_meeting(chair))
    decision = signed(item, clinician, chair)
    client.force_login(viewer)
    client.get(present_url(item))
    client.get(decision.get_absolute_url())
    client.get(item.meeting.get_absolute_url())
    seen = [(e.object_type, e.object_id) for e in entries(action=AccessAction.VIEW)]
    assert seen == [
        ("meetings.agendaitem", item.public_id),
        ("meetings.decision", decision.public_id),
        ("meetings.meeting", item.meeting.public_id),
    ]


def test_a_patient_search_is_recorded_without_the_search_terms(client, coordinator, case):
    client.force_login(coordinator)
    client.post(reverse("patients:patient_list"), {"q": "Lindqvist"})
    (entry,) = entries(action=AccessAction.VIEW)
    assert (entry.method, entry.object_type, entry.object_id) == ("POST", "patients.patient", None)
    assert not patient_data_in(entry)


def test_a_refused_request_is_recorded_with_what_was_asked_for(client, content_editor, case):
    client.force_login(content_editor)
    url = reverse("meetings:case_detail", args=[case.public_id])
    assert client.get(url).status_code == 403
    (entry,) = entries(action=AccessAction.REFUSED)
    assert (entry.user, entry.status_code, entry.path, entry.object_id) == (content_editor, 403, url, case.public_id)
    assert entries(action=AccessAction.VIEW) == []


def test_an_anonymous_request_sent_to_the_login_page_is_recorded_as_refused(client, case):
    url = reverse("meetings:case_detail", args=[case.public_id])
    assert client.get(url).status_code == 302
    (entry,) = entries(action=AccessAction.REFUSED)
    assert (entry.user, entry.username, entry.status_code, entry.path) == (None, "", 302, url)


def test_a_failed_csrf_check_is_recorded_as_refused(viewer):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(viewer)
    assert strict.post(reverse("patients:patient_list"), {"q": "x"}).status_code == 403
    assert [e.status_code for e in entries(action=AccessAction.REFUSED)] == [403]


def test_login_logout_and_a_failed_login_are_recorded(client, clinician):
    client.post(reverse("login"), {"username": "clinician", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    client.post(reverse("login"), {"username": "clinician", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    client.post(reverse("logout"), REMOTE_ADDR="10.9.9.9")
    logged = [(e.action, e.username, e.user, e.ip_address) for e in entries()]
    assert logged == [
        (AccessAction.LOGIN_FAILED, "clinician", None, "10.9.9.9"),
        (AccessAction.LOGIN, "clinician", clinician, "10.9.9.9"),
        (AccessAction.LOGOUT, "clinician", clinician, "10.9.9.9"),
    ]


def test_a_failed_login_for_an_unknown_name_records_the_typed_name(client):
    client.post(reverse("login"), {"username": "nobody-here", "password": "guess"})
    assert [(e.action, e.username, e.user) for e in entries()] == [(AccessAction.LOGIN_FAILED, "nobody-here", None)]


# --- the administrators' view -------------------------------------------------------------------------------


def test_the_administrator_reads_the_log_newest_first_and_filters_it(admin_client, viewer, case):
    reader = Client()
    reader.force_login(viewer)
    reader.get(reverse("meetings:case_detail", args=[case.public_id]))
    response = admin_client.get(reverse("audit:access_log"), {"username": "viewer", "action": "view"})
    page = response.content.decode()
    assert response.status_code == 200
    assert str(case.public_id) in page
    assert "Lindqvist" not in page
    rows = response.context["page"].object_list
    assert [(e.username, e.action) for e in rows] == [("viewer", "view")]


def test_invalid_filters_show_their_error_and_no_entries(admin_client):
    response = admin_client.get(reverse("audit:access_log"), {"object_id": "not-a-uuid", "date_from": "2026-13-45"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"object_id", "date_from"}
    assert list(response.context["page"].object_list) == []


def test_the_export_is_csv_in_utc_and_is_itself_recorded(admin_client, viewer, case):
    reader = Client()
    reader.force_login(viewer)
    reader.get(reverse("meetings:case_detail", args=[case.public_id]))
    response = admin_client.get(reverse("audit:access_log_export"), {"action": "view"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["username"], r["event"], r["record_id"]) for r in rows] == [("viewer", "view", str(case.public_id))]
    assert rows[0]["at_utc"].endswith("+00:00")
    (export,) = entries(action=AccessAction.LOG_EXPORTED)
    assert export.username == "admin" and "action=view" in export.detail


def test_a_typed_formula_cannot_run_in_the_spreadsheet_that_opens_the_export(admin_client):
    Client().post(reverse("login"), {"username": '=HYPERLINK("http://evil.example","x")', "password": "p"})
    response = admin_client.get(reverse("audit:access_log_export"), {"action": "login_failed"})
    (row,) = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row["username"] == '\'=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize("role", ["coordinator", "chair", "viewer", "content_editor", "no_role_user"])
def test_nobody_but_an_administrator_sees_or_exports_the_log(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("audit:access_log")).status_code == 403
    assert client.get(reverse("audit:access_log_export")).status_code == 403


def test_times_are_stored_in_utc():
    from django.conf import settings

    assert settings.USE_TZ is True
    entry = append(AccessLog(action=AccessAction.LOGIN, username="x"))
    assert entry.at.tzinfo == UTC or entry.at.utcoffset().total_seconds() == 0
