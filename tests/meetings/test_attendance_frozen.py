"""Attendance is frozen once the meeting's first decision is signed: the signed summaries list it as it was.
A later change is an amendment with a reason, shown as such on the attendance list and on the pack's cover."""

import pytest
from django.urls import reverse

from cases.meetings import services
from cases.meetings.models import Attendance, AttendanceAmendment
from cases.reports.summary import PackEntry, meeting_pack_cover_html, pack_contents
from tests.meetings.factories import add_item, make_meeting, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(chair):
    return make_meeting(chair)


@pytest.fixture
def omar(meeting, clinician):
    return Attendance.objects.create(meeting=meeting, user=clinician, specialty="medical_oncology")


def update_url(attendance: Attendance) -> str:
    return reverse(
        "meetings:attendance_update",
        kwargs={"public_id": attendance.meeting.public_id, "attendance_id": attendance.public_id},
    )


def remove_url(attendance: Attendance) -> str:
    return reverse(
        "meetings:attendance_remove",
        kwargs={"public_id": attendance.meeting.public_id, "attendance_id": attendance.public_id},
    )


def test_before_any_signature_attendance_changes_without_a_reason(client, coordinator, meeting, omar):
    client.force_login(coordinator)
    response = client.post(update_url(omar), {"present": "no"})
    assert response.status_code == 303
    omar.refresh_from_db()
    assert omar.present is False
    assert not AttendanceAmendment.objects.exists()
    assert client.post(remove_url(omar)).status_code == 303
    assert not Attendance.objects.filter(pk=omar.pk).exists()


def test_after_a_signature_marking_absent_without_a_reason_is_refused_and_changes_nothing(
    client, coordinator, clinician, chair, meeting, omar
):
    signed(add_item(meeting), clinician, chair)
    client.force_login(coordinator)
    response = client.post(update_url(omar), {"present": "no"}, headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx swaps the list, with the message
    assert "Give the reason" in response.content.decode()
    omar.refresh_from_db()
    assert omar.present is True
    assert not AttendanceAmendment.objects.exists()


def test_after_a_signature_a_change_with_a_reason_is_an_amendment_on_the_list_and_the_cover(
    client, coordinator, clinician, chair, meeting, omar
):
    signed(add_item(meeting), clinician, chair)
    client.force_login(coordinator)
    response = client.post(update_url(omar), {"present": "no", "reason": "Left before the first case."})
    assert response.status_code == 303
    omar.refresh_from_db()
    assert omar.present is False
    amendment = AttendanceAmendment.objects.get()
    assert (amendment.attendance, amendment.change, amendment.reason, amendment.author) == (
        omar, "absent", "Left before the first case.", coordinator
    )  # fmt: skip
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="attendance-frozen"' in page
    assert "Amended: marked absent" in page and "Left before the first case." in page
    items, heads = pack_contents(meeting)
    cover = meeting_pack_cover_html(meeting, [PackEntry(item, heads.get(item.pk)) for item in items])
    assert "Amended after the first signed decision" in cover
    assert "Left before the first case." in cover
    assert "Absent (amended)" in cover


def test_after_a_signature_nobody_is_taken_off_the_list(client, coordinator, clinician, chair, meeting, omar):
    signed(add_item(meeting), clinician, chair)
    client.force_login(coordinator)
    response = client.post(remove_url(omar))
    assert response.status_code == 409
    assert "Mark the member absent" in response.content.decode()
    assert Attendance.objects.filter(pk=omar.pk).exists()


def test_after_a_signature_adding_a_member_needs_a_reason(client, coordinator, clinician, chair, meeting):
    signed(add_item(meeting), clinician, chair)
    client.force_login(coordinator)
    url = reverse("meetings:attendance_add", kwargs={"public_id": meeting.public_id})
    data = {"name": "Dr Ito", "specialty": "radiology", "present": "on"}
    response = client.post(url, data)
    assert response.status_code == 422
    assert not Attendance.objects.filter(name="Dr Ito").exists()
    response = client.post(url, {**data, "reason": "Joined by video for case 2."})
    assert response.status_code == 303
    ito = Attendance.objects.get(name="Dr Ito")
    assert ito.amendments.get().change == "added"


def test_the_service_refuses_a_frozen_change_without_a_reason(clinician, chair, meeting, omar):
    signed(add_item(meeting), clinician, chair)
    with pytest.raises(services.AttendanceFrozen):
        services.mark_attendance(omar, False)
    with pytest.raises(services.AttendanceFrozen):
        services.remove_attendance(omar)
    omar.refresh_from_db()
    assert omar.present is True


def test_a_member_taken_off_in_another_window_answers_with_a_message_and_the_current_list(
    client, coordinator, meeting, omar
):
    client.force_login(coordinator)
    url = update_url(omar)
    Attendance.objects.filter(pk=omar.pk).delete()  # another window removed him
    response = client.post(url, {"present": "no"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="attendance"' in page
    assert "taken off the list in another window" in page
    plain = client.post(url, {"present": "no"})
    assert plain.status_code == 409


def test_a_remote_member_counts_toward_the_quorum(client, coordinator, meeting, omar):
    client.force_login(coordinator)
    client.post(update_url(omar), {"present": "remote"})
    omar.refresh_from_db()
    assert (omar.present, omar.remote) == (True, True)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'Medical oncology<span class="visually-hidden"> present' in page
