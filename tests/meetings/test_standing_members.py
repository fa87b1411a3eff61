"""A meeting series keeps its standing members: a new meeting of the series starts with them on the list,
present (one click marks one absent), and the quorum reads from that list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.meetings.models import Attendance, Meeting, MeetingSeries, StandingMember
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db


def plan(client, chair, **extra):
    data = {
        "title": "si-NEN board",
        "scheduled_at": (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT16:00"),
        "chair": chair.pk,
        **extra,
    }
    return client.post(reverse("meetings:create"), data)


def test_a_new_meeting_of_a_series_starts_with_its_standing_members_present(client, coordinator, chair, clinician):
    series = MeetingSeries.objects.create(name="Weekly si-NEN board")
    StandingMember.objects.create(series=series, user=chair, specialty="surgery")
    StandingMember.objects.create(series=series, user=clinician, specialty="medical_oncology")
    client.force_login(coordinator)
    response = plan(client, chair, series=series.pk)
    assert response.status_code == 303
    meeting = Meeting.objects.get()
    assert meeting.series == series
    rows = {(a.user, a.specialty, a.present) for a in Attendance.objects.filter(meeting=meeting)}
    assert rows == {(chair, "surgery", True), (clinician, "medical_oncology", True)}
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "✓</span> Surgery" in page and "✓</span> Medical oncology" in page  # the quorum reads the list


def test_a_meeting_without_a_series_starts_with_nobody(client, coordinator, chair):
    client.force_login(coordinator)
    assert plan(client, chair).status_code == 303
    assert not Attendance.objects.exists()


def test_the_list_of_a_meeting_becomes_the_series_standing_members(client, coordinator, chair, clinician):
    client.force_login(coordinator)
    assert plan(client, chair, new_series="Weekly si-NEN board").status_code == 303
    meeting = Meeting.objects.get()
    Attendance.objects.create(meeting=meeting, user=chair, specialty="surgery")
    Attendance.objects.create(meeting=meeting, user=clinician, specialty="medical_oncology")
    Attendance.objects.create(meeting=meeting, name="Dr Guest", specialty="radiology")  # guests are not standing
    response = client.post(reverse("meetings:standing_members", kwargs={"public_id": meeting.public_id}))
    assert response.status_code == 303
    members = {(m.user, m.specialty) for m in StandingMember.objects.filter(series__name="Weekly si-NEN board")}
    assert members == {(chair, "surgery"), (clinician, "medical_oncology")}


def test_a_new_series_may_not_repeat_a_name(client, coordinator, chair):
    MeetingSeries.objects.create(name="Weekly si-NEN board")
    client.force_login(coordinator)
    response = plan(client, chair, new_series="Weekly si-NEN board")
    assert response.status_code == 422
    assert not Meeting.objects.exists()


def test_saving_standing_members_of_a_meeting_without_a_series_is_refused(client, coordinator, chair):
    meeting = make_meeting(chair)
    client.force_login(coordinator)
    response = client.post(reverse("meetings:standing_members", kwargs={"public_id": meeting.public_id}))
    assert response.status_code == 303
    assert not StandingMember.objects.exists()
    assert "belongs to no series" in client.get(meeting.get_absolute_url()).content.decode()
