"""Fetch-or-403 helpers for meetings, agenda items, attendances and decisions: the only way views load them."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.access import Action, require
from cases.meetings.models import AgendaItem, Attendance, Decision, Meeting


def get_meeting(user, public_id, action: Action = Action.VIEW_PATIENT_DATA) -> Meeting:
    """Return the meeting with its chair, or 403 without revealing whether it exists, or 404."""
    require(user, action)
    return get_object_or_404(Meeting.objects.select_related("chair", "series"), public_id=public_id)


def get_attendance(user, meeting_id, attendance_id, action: Action) -> tuple[Meeting, Attendance | None]:
    """Return the meeting (or 403 / 404) and its attendance row, None when the row is gone: a page open in
    another window may still show a member taken off the list, and the answer says so instead of a bare 404."""
    meeting = get_meeting(user, meeting_id, action)
    rows = Attendance.objects.select_related("meeting", "user")
    attendance = rows.filter(public_id=attendance_id, meeting=meeting).first()
    if attendance is None and Attendance.objects.filter(public_id=attendance_id).exists():
        raise Http404("No such member on this meeting's list.")  # another meeting's: never acted on through this one
    return meeting, attendance


def get_decision(user, public_id, action: Action = Action.VIEW_PATIENT_DATA) -> Decision:
    """Return the decision with its item, meeting, case and people, or 403 / 404."""
    require(user, action)
    decisions = Decision.objects.select_related(
        "agenda_item__meeting__chair", "agenda_item__case__patient", "author", "signed_by", "amends"
    )
    return get_object_or_404(decisions, public_id=public_id)


def get_item_if_any(user, meeting_id, item_id, action: Action) -> tuple[Meeting, AgendaItem | None]:
    """Return the meeting (or 403 / 404) and its agenda item, None when the item was taken off the agenda: an
    action from a page opened before answers with what happened instead of a bare 404."""
    meeting = get_meeting(user, meeting_id, action)
    items = AgendaItem.objects.select_related("meeting__chair", "case__patient", "presenter")
    item = items.filter(public_id=item_id, meeting=meeting).first()
    if item is None and AgendaItem.objects.filter(public_id=item_id).exists():
        raise Http404("No such item on this meeting's agenda.")  # another meeting's: never acted on through this one
    return meeting, item
