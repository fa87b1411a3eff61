"""Hostile input in every form: never a server error, and nothing saved when the answer says it was refused.

Hypothesis sends each form missing fields, wrong types, huge, negative and non-finite numbers, impossible
dates, NUL bytes, markup and SQL. Each example runs in a savepoint that is rolled back, so examples do
not see each other's changes; an answer of 4xx must leave every clinical row as it was.
"""

from datetime import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.meetings.forms import MeetingForm
from cases.pathways.services import assess
from cases.pathways.steps import STEPS
from cases.patients.forms import CaseForm, PatientForm
from cases.specialties import Specialty
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.patients.factories import STAGE_IV, make_case
from tests.savepoints import savepoint
from tests.security.hostile import form_data, snapshot, text

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def post_and_check(client, url: str, data: dict, **headers) -> int:
    """POST DATA; fail on a server error, or on a refusal (4xx) that changed a row. Rolled back afterwards."""
    with savepoint():
        before = snapshot()
        response = client.post(url, data, headers=headers)
        assert response.status_code < 500, (url, data)
        if response.status_code >= 400:
            assert snapshot() == before, f"{url} answered {response.status_code} but saved {data!r}"
        transaction.set_rollback(True)
    return response.status_code


@pytest.fixture
def world(chair, clinician):
    meeting = make_meeting(chair)
    item = add_item(meeting, make_case(**STAGE_IV))
    return {"meeting": meeting, "item": item, "case": item.case, "chair": chair, "clinician": clinician}


@given(data=form_data(PatientForm.Meta.fields, {"sex": "female", "date_of_birth": "1960-01-01"}))
@EXAMPLES
def test_the_patient_forms(client, coordinator, world, data):
    client.force_login(coordinator)
    post_and_check(client, reverse("patients:patient_create"), data)
    post_and_check(client, reverse("patients:patient_edit", args=[world["case"].patient.public_id]), data)


@given(data=form_data(CaseForm.Meta.fields, {"status": "draft", "referral_date": "2026-10-01"}))
@EXAMPLES
def test_the_case_forms(client, coordinator, world, data):
    client.force_login(coordinator)
    post_and_check(client, reverse("patients:case_create", args=[world["case"].patient.public_id]), data)
    post_and_check(client, reverse("patients:case_edit", args=[world["case"].public_id]), data)


@pytest.mark.parametrize("step", [s for s in STEPS if s.fields], ids=lambda s: s.slug)
def test_each_pathway_step_and_its_preview(client, clinician, world, step):
    case = world["case"]
    client.force_login(clinician)
    fields = [*step.fields, "version"]

    @given(data=form_data(fields, {"version": str(case.version)}), htmx=st.booleans())
    @EXAMPLES
    def check(data, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        post_and_check(client, reverse("pathways:step", args=[case.public_id, step.slug]), data, **headers)
        # A preview never saves anything, whatever it is sent.
        with savepoint():
            before = snapshot()
            response = client.post(reverse("pathways:preview", args=[case.public_id, step.slug]), data)
            assert response.status_code == 200
            assert snapshot() == before
            transaction.set_rollback(True)

    check()


@given(data=form_data(MeetingForm.Meta.fields, {"scheduled_at": "2027-01-07T16:00"}), chair_pk=st.booleans())
@EXAMPLES
def test_the_meeting_forms(client, coordinator, world, data, chair_pk):
    if chair_pk:
        data["chair"] = str(world["chair"].pk)
    client.force_login(coordinator)
    post_and_check(client, reverse("meetings:create"), data)
    post_and_check(client, reverse("meetings:edit", args=[world["meeting"].public_id]), data)


def typed_datetime(moment: datetime) -> str:
    """As a datetime-local field sends it, years below 1000 included (strftime would drop the zeros)."""
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}"


ANY_DATETIME = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)).map(typed_datetime),
    st.sampled_from(["9999-12-31T23:59", "0001-01-01T00:00", "1900-01-01T00:00", "2200-12-31T23:59"]),
)


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Kiritimati", "Etc/GMT+12"])
def test_the_meeting_forms_take_any_date_in_any_time_zone(client, coordinator, world, settings, zone):
    """9999-12-31 23:59 in New York was a 500: the year 10000 in UTC. Far dates are now a field error."""
    settings.TIME_ZONE = zone
    client.force_login(coordinator)

    @given(typed=ANY_DATETIME)
    @EXAMPLES
    def check(typed):
        data = {"title": "Board", "scheduled_at": typed, "location": "Room 2", "chair": str(world["chair"].pk)}
        post_and_check(client, reverse("meetings:create"), data)
        post_and_check(client, reverse("meetings:edit", args=[world["meeting"].public_id]), data)

    check()


@given(
    agenda=form_data(["case", "presenter", "planned_minutes"], {"planned_minutes": "10"}),
    attendance=form_data(["user", "name", "specialty", "present"], {"specialty": Specialty.SURGERY}),
    small=form_data(["direction", "transition", "present"]),
    with_case=st.booleans(),
)
@EXAMPLES
def test_the_agenda_attendance_and_status_forms(client, coordinator, world, agenda, attendance, small, with_case):
    meeting, item = world["meeting"], world["item"]
    if with_case:
        agenda["case"] = str(make_case(**STAGE_IV).public_id)
    client.force_login(coordinator)
    post_and_check(client, reverse("meetings:agenda_add", args=[meeting.public_id]), agenda)
    post_and_check(client, reverse("meetings:attendance_add", args=[meeting.public_id]), attendance)
    post_and_check(client, reverse("meetings:agenda_move", args=[meeting.public_id, item.public_id]), small)
    post_and_check(client, reverse("meetings:status", args=[meeting.public_id]), small)


def test_the_attendance_toggle(client, coordinator, world):
    from cases.meetings.models import Attendance

    row = Attendance.objects.create(meeting=world["meeting"], name="Dr Guest", specialty=Specialty.RADIOLOGY)
    client.force_login(coordinator)

    @given(data=form_data(["present"]))
    @EXAMPLES
    def check(data):
        url = reverse("meetings:attendance_update", args=[world["meeting"].public_id, row.public_id])
        post_and_check(client, url, data)

    check()


def decision_fields(item) -> list[str]:
    codes = [rec.code for rec in assess(item.case).assessment.recommendations]
    actions = [f"actions-{n}-{name}" for n in range(3) for name in ("what", "owner", "due_date")]
    management = ["actions-TOTAL_FORMS", "actions-INITIAL_FORMS", "actions-MIN_NUM_FORMS", "actions-MAX_NUM_FORMS"]
    outcomes = [f"{kind}_{code}" for code in codes for kind in ("outcome", "reason")]
    return ["plan", "treatment_intent", "rediscuss", "lock_version", "case_version", *outcomes, *management, *actions]


def test_the_decision_sign_and_amend_forms(client, chair, clinician, world):
    item = world["item"]
    draft_item = add_item(world["meeting"], make_case(**STAGE_IV))
    draft = record(draft_item, clinician)
    done = signed(add_item(world["meeting"], make_case(**STAGE_IV)), clinician, chair)
    fixed = {
        "lock_version": "0",
        "case_version": str(item.case.version),
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "10",
    }
    fixed |= {f"outcome_{rec.code}": "accept" for rec in assess(item.case).assessment.recommendations}
    client.force_login(chair)

    @given(decision=form_data(decision_fields(item), fixed), other=form_data(["lock_version", "reason"]))
    @EXAMPLES
    def check(decision, other):
        url = reverse("meetings:decision_save", args=[item.meeting.public_id, item.public_id])
        post_and_check(client, url, decision)
        post_and_check(client, reverse("meetings:decision_sign", args=[draft.public_id]), other)
        post_and_check(client, reverse("meetings:decision_amend", args=[done.public_id]), other)

    check()


@given(data=form_data(["username", "password"]), token=form_data(["token", "next"]), search=form_data(["q", "page"]))
@EXAMPLES
def test_the_login_second_factor_and_search_forms(client, viewer, data, token, search):
    from django.test import Client

    with savepoint():
        response = Client().post(reverse("login"), data)
        assert response.status_code in {200, 302, 429}
        transaction.set_rollback(True)
    client.force_login(viewer)
    post_and_check(client, reverse("second_factor"), token)
    post_and_check(client, reverse("patients:patient_list"), search)


@given(query=form_data(["username", "action", "object_id", "date_from", "date_to", "page"]), status=text)
@EXAMPLES
def test_the_access_log_filters_and_list_filters(admin_client, query, status):
    assert admin_client.get(reverse("audit:access_log"), query).status_code == 200
    assert admin_client.get(reverse("audit:access_log_export"), query).status_code == 200
