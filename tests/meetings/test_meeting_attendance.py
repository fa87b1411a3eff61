"""Attendance and the quorum rule: which core specialties are present, and a warning when one is missing."""

import pytest
from django.urls import reverse

from cases.meetings.models import Attendance
from cases.meetings.quorum import quorum
from cases.pathways.models import GuidelineStatus, GuidelineVersion
from cases.specialties import DEFAULT_QUORUM, Specialty
from tests.meetings.factories import add_item, make_meeting, present_url

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}
CORE = ["surgery", "medical_oncology", "radiology", "pathology", "nuclear_medicine"]


@pytest.fixture
def meeting(chair):
    return make_meeting(chair)


def add_url(meeting):
    return reverse("meetings:attendance_add", kwargs={"public_id": meeting.public_id})


def test_the_quorum_needs_one_present_member_of_each_core_specialty():
    present = [Attendance(specialty=s, present=True) for s in CORE[:4]]
    absent = [Attendance(specialty="nuclear_medicine", present=False)]
    result = quorum(present + absent, DEFAULT_QUORUM)
    assert not result.met
    assert result.missing == (Specialty.NUCLEAR_MEDICINE,)
    assert quorum([*present, Attendance(specialty="nuclear_medicine", present=True)], DEFAULT_QUORUM).met


def test_the_meeting_page_warns_which_core_specialties_are_missing(client, coordinator, meeting):
    for specialty in CORE[:3]:
        Attendance.objects.create(meeting=meeting, name=f"Dr {specialty}", specialty=specialty)
    client.force_login(coordinator)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Quorum not met" in page
    assert 'Pathology<span class="visually-hidden"> missing' in page
    assert 'Nuclear medicine<span class="visually-hidden"> missing' in page
    assert 'Surgery<span class="visually-hidden"> present' in page


def test_meeting_mode_shows_the_quorum_too(client, clinician, meeting):
    for specialty in CORE:
        Attendance.objects.create(meeting=meeting, name=f"Dr {specialty}", specialty=specialty)
    client.force_login(clinician)
    page = client.get(present_url(add_item(meeting))).content.decode()
    assert "Quorum met" in page


def test_the_quorum_follows_the_active_content(client, coordinator, meeting):
    GuidelineVersion.objects.filter(status=GuidelineStatus.ACTIVE).update(quorum_specialties=[Specialty.SURGERY])
    Attendance.objects.create(meeting=meeting, name="Dr Cut", specialty="surgery")
    client.force_login(coordinator)
    assert "Quorum met" in client.get(meeting.get_absolute_url()).content.decode()
    assert "Quorum met" in client.get(present_url(add_item(meeting))).content.decode()


def test_a_member_or_a_guest_is_added_with_a_specialty(client, coordinator, clinician, meeting):
    client.force_login(coordinator)
    client.post(add_url(meeting), {"user": clinician.pk, "specialty": "medical_oncology", "present": "on"})
    client.post(add_url(meeting), {"name": "Dr Ito", "specialty": "radiology"})
    rows = list(meeting.attendances.order_by("pk").values_list("user", "name", "specialty", "present"))
    assert rows == [(clinician.pk, "", "medical_oncology", True), (None, "Dr Ito", "radiology", False)]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"specialty": "surgery"}, "user", "Choose a member or type a guest's name."),
        ({"name": "Dr X", "specialty": ""}, "specialty", "This field is required."),
        ({"name": "Dr X", "specialty": "astrology"}, "specialty", None),
    ],
    ids=["nobody", "no-specialty", "unknown-specialty"],
)
def test_an_incomplete_member_is_refused_and_what_was_typed_is_kept(client, coordinator, meeting, data, field, message):
    client.force_login(coordinator)
    response = client.post(add_url(meeting), data)
    assert response.status_code == 422
    errors = response.context["attendance_form"].errors[field]
    if message:
        assert errors == [message]
    if data.get("name"):
        assert 'value="Dr X"' in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_member_is_listed_once(client, coordinator, clinician, meeting):
    Attendance.objects.create(meeting=meeting, user=clinician, specialty="medical_oncology")
    client.force_login(coordinator)
    response = client.post(add_url(meeting), {"user": clinician.pk, "specialty": "surgery"})
    assert response.status_code == 422
    assert response.context["attendance_form"].errors["user"] == ["Clinician Tester is already on the list."]


def test_marking_a_member_absent_with_htmx_updates_the_quorum(client, coordinator, meeting):
    rows = [Attendance.objects.create(meeting=meeting, name=f"Dr {s}", specialty=s) for s in CORE]
    client.force_login(coordinator)
    url = reverse(
        "meetings:attendance_update", kwargs={"public_id": meeting.public_id, "attendance_id": rows[0].public_id}
    )
    response = client.post(url, {"present": "no"}, headers=HX)
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="attendance"')
    assert "Quorum not met" in page
    rows[0].refresh_from_db()
    assert rows[0].present is False


def test_a_closed_meetings_attendance_does_not_change(client, coordinator, chair):
    meeting = make_meeting(chair, status="closed")
    client.force_login(coordinator)
    response = client.post(add_url(meeting), {"name": "Dr Late", "specialty": "surgery"})
    assert response.status_code == 303
    assert not Attendance.objects.exists()
