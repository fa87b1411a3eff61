"""PDF downloads: the case summary, one decision's summary, and a meeting's outcome pack.

What was signed is stored and served at once. A draft is rendered by the task worker: GET shows a page
that asks for it, POST starts the job and leads to its progress (htmx swaps the progress in place), and
the job's page offers the PDF when it is ready (cases/jobs). POST for a signed document just leads to it.
Every download is recorded in the access log. File names carry only the record's public UUID, never a
patient's name or hospital number (they end up in download folders and proxy logs).
"""

from collections.abc import Callable

from django.db import models
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.tasks import Task
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cases import integrity
from cases.access import Action, can, require
from cases.audit.log import record_access
from cases.audit.models import AccessAction
from cases.downloads import attachment
from cases.htmx import HtmxHttpRequest
from cases.jobs.models import JobKind
from cases.jobs.services import start_job
from cases.jobs.views import job_started
from cases.meetings.access import get_decision, get_meeting
from cases.meetings.models import Decision
from cases.patients.access import get_case
from cases.reports.fhir import ExportRefused, decision_bundle, to_json
from cases.reports.forms import LetterSentForm
from cases.reports.integrity import missing_pdfs
from cases.reports.letters import letter_filename
from cases.reports.models import LetterRecipient, StoredLetter, StoredSummary
from cases.reports.services import record_letter_sent, store_letter
from cases.reports.summary import (
    MissingSignedRecord,
    latest_decision,
    pack_has_drafts,
    render_meeting_pack,
    summary_for_decision,
)
from cases.reports.tasks import render_case_summary_draft, render_decision_summary_draft, render_meeting_pack_draft

# A signed decision whose stored PDF has gone: nothing is rendered in its place (docs/reports.md).
MISSING_RECORD_STATUS = 409


def ready(request: HtmxHttpRequest, pdf: Callable[[], bytes], filename: str, target: models.Model):
    """Answer for a document that needs no rendering: the download (GET), or the way to it (POST)."""
    if request.method == "POST":
        if request.htmx:
            return HttpResponseClientRedirect(request.path)
        return HttpResponseRedirect(request.path, status=303)
    try:
        response = attachment(pdf(), filename)
    except MissingSignedRecord as exc:
        response = render(
            request, "reports/missing_record.html", {"decision": exc.decision}, status=MISSING_RECORD_STATUS
        )
    record_access(request, AccessAction.PDF_DOWNLOAD, target, status_code=response.status_code)
    return response


def draft(request: HtmxHttpRequest, task: Task, kind: JobKind, subject: models.Model, title: str, filename: str):
    """Answer for a document with drafts: the page that asks for it (GET), or its job started (POST)."""
    back_url = subject.get_absolute_url()
    if request.method == "GET":
        return render(request, "reports/draft.html", {"title": title, "back_url": back_url})
    job = start_job(
        task, kind=kind, subject=subject, user=request.user, title=title, back_url=back_url, filename=filename
    )
    return job_started(request, job)


@require_http_methods(["GET", "POST"])
def case_summary(request, public_id):
    """The case's MDT summary: its latest decision's once signed; a DRAFT, rendered in the background, before."""
    case = get_case(request.user, public_id)
    filename = f"mdt-summary-case-{case.public_id}.pdf"
    decision = latest_decision(case)
    if decision is not None and decision.is_signed:
        return ready(request, lambda: summary_for_decision(decision), filename, case)
    title = "MDT outcome record of the case (DRAFT)"
    return draft(request, render_case_summary_draft, JobKind.CASE_SUMMARY, case, title, filename)


@require_http_methods(["GET", "POST"])
def decision_summary(request, public_id):
    """One decision version's summary: the stored bytes once signed; a DRAFT, rendered in the background, before."""
    decision = get_decision(request.user, public_id)
    filename = f"mdt-summary-decision-{decision.public_id}.pdf"
    if decision.is_signed:
        return ready(request, lambda: summary_for_decision(decision), filename, decision)
    title = f"MDT outcome record of decision version {decision.version} (DRAFT)"
    return draft(request, render_decision_summary_draft, JobKind.DECISION_SUMMARY, decision, title, filename)


@require_http_methods(["GET", "POST"])
def meeting_pack(request, public_id):
    """The meeting's outcome pack: cover with attendance and quorum, outcome table, every case.

    Once every case's decision is signed it is the cover and the stored summaries, joined in the request;
    with drafts it is rendered in the background.
    """
    meeting = get_meeting(request.user, public_id)
    filename = f"mdt-outcome-pack-{meeting.public_id}.pdf"
    if not pack_has_drafts(meeting):
        return ready(request, lambda: render_meeting_pack(meeting), filename, meeting)
    title = f"Outcome pack of {meeting.title}, {timezone.localtime(meeting.scheduled_at):%d %b %Y} (with drafts)"
    return draft(request, render_meeting_pack_draft, JobKind.MEETING_PACK, meeting, title, filename)


@require_GET
def decision_fhir(request, public_id):
    """The signed decision as a FHIR R4 Bundle (docs/fhir.md), for anyone who may read the decision.

    Built from the signed record only; a draft has none (404). A signed decision whose record no longer
    holds is not exported (409, the integrity failure page). Recorded in the access log as a download.
    """
    decision = get_decision(request.user, public_id)
    if not decision.is_signed:
        raise Http404("Only a signed decision is exported as FHIR.")
    try:
        response = attachment(
            to_json(decision_bundle(decision)), f"mdt-decision-{decision.public_id}.fhir.json", "application/fhir+json"
        )
    except ExportRefused:
        response = render(request, "reports/fhir_refused.html", {"decision": decision}, status=MISSING_RECORD_STATUS)
    record_access(request, AccessAction.PDF_DOWNLOAD, decision, status_code=response.status_code, detail="FHIR bundle")
    return response


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


# --- letters to the GP and the referrer --------------------------------------------------------------


def letters_panel(user, decision: Decision, form: LetterSentForm | None = None, form_for: str = "") -> dict:
    """What the decision page's letters panel shows: per recipient its download, whether it is stored yet,
    when and how it was sent, and the "sent" form (FORM, with its errors, for FORM_FOR after a failed POST).

    Handed to the meetings app's decision page through settings.DECISION_LETTERS_PANEL (it may not import us).
    """
    stored = {
        letter.recipient: letter
        for letter in StoredLetter.objects.filter(decision=decision).prefetch_related("sendings__sent_by")
    }
    may_record = can(user, Action.RECORD_LETTERS_SENT)
    rows = []
    for recipient in LetterRecipient:
        letter = stored.get(recipient.value)
        rows.append(
            {
                "recipient": recipient.value,
                "label": recipient.label,
                "letter": letter,
                "sendings": list(letter.sendings.all()) if letter else [],
                "form": form if form is not None and form_for == recipient.value else LetterSentForm(),
            }
        )
    return {"decision": decision, "rows": rows, "may_record": may_record, "addendum": decision.amends_id is not None}


def _recipient(recipient: str) -> str:
    if recipient not in LetterRecipient.values:
        raise Http404("No such letter.")
    return recipient


@require_GET
def decision_letter(request, public_id, recipient):
    """The letter about a signed decision to the GP or the referrer: stored on the first request, then served.

    Anyone who may read the decision may download it; a draft has no letter (404). Recorded in the access log.
    """
    decision = get_decision(request.user, public_id)
    recipient = _recipient(recipient)
    if not decision.is_signed:
        raise Http404("Only a signed decision has letters.")
    letter = store_letter(decision, recipient)
    response = attachment(bytes(letter.pdf), letter_filename(decision, recipient))
    label = LetterRecipient(recipient).label.lower()
    record_access(
        request, AccessAction.PDF_DOWNLOAD, decision, status_code=response.status_code, detail=f"letter to the {label}"
    )
    return response


@require_POST
def letter_sent(request: HtmxHttpRequest, public_id, recipient):
    """Record that a stored letter was sent (who, when, how). Invalid: the panel with errors (htmx 200, else 422)."""
    decision = get_decision(request.user, public_id)
    require(request.user, Action.RECORD_LETTERS_SENT)
    recipient = _recipient(recipient)
    form = LetterSentForm(request.POST)
    letter = StoredLetter.objects.filter(decision=decision, recipient=recipient).first()
    if form.is_valid() and letter is None:
        form.add_error(None, "This letter has not been generated yet: download it first, then record how it was sent.")
    if not form.is_valid():
        context = {"letters": letters_panel(request.user, decision, form, recipient)}
        if request.htmx:
            return render(request, "meetings/_letters.html#letters", context)
        context.update(decision=decision)
        return render(request, "reports/letter_sent.html", context, status=422)
    record_letter_sent(letter, request.user, form.cleaned_data["method"], form.cleaned_data["note"])
    if request.htmx:
        return render(request, "meetings/_letters.html#letters", {"letters": letters_panel(request.user, decision)})
    return HttpResponseRedirect(f"{decision.get_absolute_url()}#letters", status=303)
