"""Every date and date-time field takes years 1900 to 2200 only, with a message; far dates never crash a page.

9999-12-31 23:59 typed in New York is the year 10000 in UTC: storing it raised OverflowError (a 500).
The fields of cases/dates.py refuse it at the form, before any time zone conversion. The first tests walk
every form of the app and of the admin, so a date field added later without the range fails here.
"""

import importlib
import pkgutil

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

import cases
from cases import dates
from cases.meetings.models import Decision, Meeting
from cases.pathways.guideline_versions import clone_version
from cases.pathways.models import GuidelineStatus, GuidelineVersion
from cases.patients.models import Case, Patient
from tests.meetings.factories import add_item, decision_post, make_meeting, save_url
from tests.patients.factories import make_patient
from tests.security.otp import pass_second_factor

pytestmark = pytest.mark.django_db

TEMPORAL = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)
BOUNDED = (dates.DateField, dates.DateTimeField, dates.SplitDateTimeField)
# Far-off zones both ways: UTC-12, UTC+14, and New York (where the 500 was found).
ZONES = ["America/New_York", "Etc/GMT+12", "Pacific/Kiritimati"]


def unbounded(form_fields: dict) -> list[str]:
    return [
        name for name, field in form_fields.items() if isinstance(field, TEMPORAL) and not isinstance(field, BOUNDED)
    ]


def app_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in the app's modules (migrations and management commands aside)."""
    for module in pkgutil.walk_packages(cases.__path__, "cases."):
        if ".migrations" not in module.name and ".management" not in module.name:
            importlib.import_module(module.name)
    found = []
    for base in (forms.Form, forms.ModelForm):
        stack = list(base.__subclasses__())
        while stack:
            cls = stack.pop()
            stack.extend(cls.__subclasses__())
            if cls.__module__.startswith("cases."):
                found.append(cls)
    return found


def test_the_walk_finds_the_forms_with_dates():
    names = {cls.__name__ for cls in app_forms()}
    assert {"PatientForm", "CaseForm", "MeetingForm", "FollowUpForm", "AccessLogFilterForm"} <= names


def test_every_date_field_of_the_apps_forms_has_the_range():
    problems = {cls.__qualname__: unbounded(cls.base_fields) for cls in app_forms()}
    assert {name: fields for name, fields in problems.items() if fields} == {}


def test_every_date_field_of_the_admin_forms_has_the_range(django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    request = RequestFactory().get("/admin/")
    request.user = root
    problems = {}
    for model, model_admin in admin.site._registry.items():
        for obj in (None, model.objects.order_by("pk").first()):
            form = model_admin.get_form(request, obj)
            fields = {name: form.base_fields[name] for name in form.base_fields}
            if bad := unbounded(fields):
                problems[f"{model._meta.label} ({'add' if obj is None else 'change'})"] = bad
    assert problems == {}


# --- the forms refuse far dates with the message -----------------------------------------------------------


def assert_refused(response, field_name: str) -> None:
    assert response.status_code == 422
    errors = response.context["form"].errors if "form" in response.context else {}
    assert errors.get(field_name) == [dates.OUT_OF_RANGE]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("typed", ["9999-12-31T23:59", "2201-01-01T00:00", "0001-01-01T00:00", "1899-12-31T23:59"])
def test_a_meeting_far_in_the_future_or_past_is_refused_with_the_range(
    client, coordinator, chair, settings, zone, typed
):
    settings.TIME_ZONE = zone
    client.force_login(coordinator)
    data = {"title": "Board", "scheduled_at": typed, "location": "Room 2", "chair": chair.pk}
    response = client.post(reverse("meetings:create"), data)
    assert_refused(response, "scheduled_at")
    assert OUT_OF_RANGE_HTML in response.content.decode()
    assert not Meeting.objects.exists()


OUT_OF_RANGE_HTML = "Enter a date between 01/01/1900 and 31/12/2200."


@pytest.mark.parametrize("zone", ZONES)
def test_a_meeting_moved_far_away_is_refused_and_keeps_its_time(client, coordinator, chair, settings, zone):
    settings.TIME_ZONE = zone
    meeting = make_meeting(chair)
    client.force_login(coordinator)
    data = {"title": "Board", "scheduled_at": "9999-12-31T23:59", "location": "Room 2", "chair": chair.pk}
    response = client.post(reverse("meetings:edit", args=[meeting.public_id]), data)
    assert_refused(response, "scheduled_at")
    assert Meeting.objects.get(pk=meeting.pk).scheduled_at == meeting.scheduled_at


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("typed", ["1900-01-01T00:00", "2200-12-31T23:59"])
def test_the_ends_of_the_range_are_stored_and_shown_in_every_time_zone(
    client, coordinator, chair, settings, zone, typed
):
    settings.TIME_ZONE = zone
    meeting = make_meeting(chair)
    client.force_login(coordinator)
    data = {"title": "Board", "scheduled_at": typed, "location": "Room 2", "chair": chair.pk}
    response = client.post(reverse("meetings:edit", args=[meeting.public_id]), data)
    assert response.status_code == 303
    meeting.refresh_from_db()
    assert f"{timezone.localtime(meeting.scheduled_at):%Y-%m-%dT%H:%M}" == typed
    assert client.get(reverse("meetings:edit", args=[meeting.public_id])).status_code == 200
    assert client.get(reverse("meetings:detail", args=[meeting.public_id])).status_code == 200
    assert client.get(reverse("meetings:list")).status_code == 200


@pytest.mark.parametrize("typed", ["1899-12-31", "0001-01-01"])
def test_a_date_of_birth_before_1900_is_refused_with_the_range(client, coordinator, typed):
    client.force_login(coordinator)
    data = {"hospital_number": "H1", "family_name": "Doe", "given_name": "Jo", "date_of_birth": typed, "sex": "female"}
    response = client.post(reverse("patients:patient_create"), data)
    assert_refused(response, "date_of_birth")
    assert not Patient.objects.exists()


@pytest.mark.parametrize("typed", ["1899-12-31", "0001-01-01"])
def test_a_referral_date_before_1900_is_refused_with_the_range(client, coordinator, typed):
    patient = make_patient()
    client.force_login(coordinator)
    data = {"referral_date": typed, "referring_clinician": "Dr R", "question": "Surgery?", "status": "draft"}
    response = client.post(reverse("patients:case_create", args=[patient.public_id]), data)
    assert_refused(response, "referral_date")
    assert not Case.objects.exists()


@pytest.mark.parametrize("typed", ["9999-12-31", "2201-01-01", "1899-12-31"])
def test_a_follow_up_action_due_far_away_is_refused_and_no_decision_is_saved(client, chair, typed):
    item = add_item(make_meeting(chair))
    client.force_login(chair)
    response = client.post(save_url(item), decision_post(item, **{"actions-0-due_date": typed}))
    assert response.status_code == 422
    assert OUT_OF_RANGE_HTML in response.content.decode()
    assert not Decision.objects.exists()


def test_the_access_log_filter_says_a_far_date_is_out_of_range(admin_client):
    response = admin_client.get(reverse("audit:access_log"), {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"date_from": [dates.OUT_OF_RANGE], "date_to": [dates.OUT_OF_RANGE]}


def test_a_guideline_drafts_effective_date_far_away_is_refused_in_the_admin(client, django_user_model):
    editor = django_user_model.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    pass_second_factor(client, editor)
    draft = clone_version(GuidelineVersion.objects.get(status=GuidelineStatus.ACTIVE), editor)
    data = {
        "name": draft.name,
        "effective_date": "9999-12-31",
        "notes": draft.notes,
        "quorum_specialties": list(draft.quorum_specialties),
        **{name: str(value) for name, value in draft.thresholds().items()},
    }
    response = client.post(reverse("admin:pathways_guidelineversion_change", args=[draft.pk]), data)
    assert response.status_code == 200
    assert OUT_OF_RANGE_HTML in response.content.decode()
    draft.refresh_from_db()
    assert draft.effective_date.year < 9999


@pytest.mark.parametrize("value", [None, dates.EARLIEST, dates.LATEST], ids=["empty", "earliest", "latest"])
def test_the_validator_accepts_the_ends_of_the_range(value):
    dates.validate_plausible_date(value)


def test_the_field_names_the_range_in_its_message():
    field = dates.DateField()
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("2201-01-01")
    assert refused.value.messages == ["Enter a date between 01/01/1900 and 31/12/2200."]
