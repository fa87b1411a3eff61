"""PDF downloads: the case summary, one decision's summary, and a meeting's outcome pack.

Every download is recorded in the access log. File names carry only the record's public UUID, never
a patient's name or hospital number (they end up in download folders and proxy logs).
"""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from cases.audit.log import record_access
from cases.audit.models import AccessAction
from cases.meetings.access import get_decision, get_meeting
from cases.patients.access import get_case
from cases.reports.summary import render_meeting_pack, summary_for_case, summary_for_decision


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def case_summary(request, public_id):
    """The case's MDT summary: its latest decision's (stored once signed), or a DRAFT without one."""
    case = get_case(request.user, public_id)
    response = pdf_response(summary_for_case(case), f"mdt-summary-case-{case.public_id}.pdf")
    record_access(request, AccessAction.PDF_DOWNLOAD, case, status_code=200)
    return response


@require_GET
def decision_summary(request, public_id):
    """One decision version's summary: the stored bytes once signed, a DRAFT rendering before."""
    decision = get_decision(request.user, public_id)
    response = pdf_response(summary_for_decision(decision), f"mdt-summary-decision-{decision.public_id}.pdf")
    record_access(request, AccessAction.PDF_DOWNLOAD, decision, status_code=200)
    return response


@require_GET
def meeting_pack(request, public_id):
    """The meeting's outcome pack: cover with attendance and quorum, outcome table, every case."""
    meeting = get_meeting(request.user, public_id)
    response = pdf_response(render_meeting_pack(meeting), f"mdt-outcome-pack-{meeting.public_id}.pdf")
    record_access(request, AccessAction.PDF_DOWNLOAD, meeting, status_code=200)
    return response
