"""PDF downloads: the case summary, one decision's summary, and a meeting's outcome pack.

Every download is recorded in the access log. File names carry only the record's public UUID, never
a patient's name or hospital number (they end up in download folders and proxy logs).
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases import integrity
from cases.access import Action, require
from cases.audit.log import record_access
from cases.audit.models import AccessAction
from cases.meetings.access import get_decision, get_meeting
from cases.patients.access import get_case
from cases.reports.integrity import missing_pdfs
from cases.reports.models import StoredSummary
from cases.reports.summary import MissingSignedRecord, render_meeting_pack, summary_for_case, summary_for_decision

# A signed decision whose stored PDF has gone: nothing is rendered in its place (docs/reports.md).
MISSING_RECORD_STATUS = 409


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def download(request, target, make_pdf, filename: str) -> HttpResponse:
    """Answer with the PDF MAKE_PDF() returns, or with the integrity failure when a signed PDF has gone."""
    try:
        response = pdf_response(make_pdf(), filename)
    except MissingSignedRecord as exc:
        response = render(
            request, "reports/missing_record.html", {"decision": exc.decision}, status=MISSING_RECORD_STATUS
        )
    record_access(request, AccessAction.PDF_DOWNLOAD, target, status_code=response.status_code)
    return response


@require_GET
def case_summary(request, public_id):
    """The case's MDT summary: its latest decision's (stored once signed), or a DRAFT without one."""
    case = get_case(request.user, public_id)
    return download(request, case, lambda: summary_for_case(case), f"mdt-summary-case-{case.public_id}.pdf")


@require_GET
def decision_summary(request, public_id):
    """One decision version's summary: the stored bytes once signed, a DRAFT rendering before."""
    decision = get_decision(request.user, public_id)
    filename = f"mdt-summary-decision-{decision.public_id}.pdf"
    return download(request, decision, lambda: summary_for_decision(decision), filename)


@require_GET
def meeting_pack(request, public_id):
    """The meeting's outcome pack: cover with attendance and quorum, outcome table, every case."""
    meeting = get_meeting(request.user, public_id)
    filename = f"mdt-outcome-pack-{meeting.public_id}.pdf"
    return download(request, meeting, lambda: render_meeting_pack(meeting), filename)


@require_GET
def record_integrity(request):
    """The installation's signing certificate (to print or download) and the record's integrity alarm."""
    require(request.user, Action.VIEW_RECORD_INTEGRITY)
    identity = integrity.signing_identity()
    certificate = identity.certificate
    context = {
        "certificate": certificate,
        "subject": certificate.subject.rfc4514_string(),
        "issuer": certificate.issuer.rfc4514_string(),
        "fingerprint": identity.fingerprint,
        "pem": integrity.certificate_pem(certificate),
        "chain_length": len(identity.certificates),
        "missing": missing_pdfs(),
        "missing_decisions": StoredSummary.missing_for_signed()[:50],
    }
    return render(request, "reports/integrity.html", context)


@require_GET
def signing_certificate(request):
    """The signing certificate (and its chain) as PEM: what an auditor needs to verify a record."""
    require(request.user, Action.VIEW_RECORD_INTEGRITY)
    identity = integrity.signing_identity()
    pem = "".join(integrity.certificate_pem(c) for c in identity.certificates)
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="sinen-mdt-signing-certificate.pem"'
    return response
