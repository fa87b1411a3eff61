"""The MDT summary of a case and the outcome pack of a meeting, as PDF.

A signed decision's summary is rendered once, at sign-off, from what was signed: the decision's stored
engine snapshot and guideline parameters (not a fresh evaluation), the findings and texts of that
moment. Drafts, and cases not yet discussed, are rendered on demand (by the task worker, cases/reports/tasks.py)
and marked DRAFT on every page.
"""

import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfWriter

from cases.meetings.models import AgendaItem, Attendance, Decision, DecisionStatus, Meeting, is_departure, is_quiet
from cases.meetings.quorum import quorum
from cases.pathways.content import PageContent, load_page_content
from cases.pathways.engine import Guideline, assessment_to_dict
from cases.pathways.guideline_versions import active_quorum
from cases.pathways.models import Reference
from cases.pathways.services import assess
from cases.pathways.steps import recorded_findings_by_step
from cases.patients.display import age_text
from cases.patients.models import Case
from cases.reports.models import StoredSummary
from cases.reports.pdf import render_pdf

logger = logging.getLogger(__name__)

REFERENCE_NUMBERS = re.compile(r"\brefs? (\d+(?:(?:, | and )\d+)*)")
CITED_SECTION = re.compile(r"^refs? (\d+(?:, \d+)*) — (.+)$")


def without_gloss(citation: str) -> str:
    """Drop a citation's closing gloss: "ref 59 — Locoregional Treatment (… (carcinoid crisis))" → "ref 59 — …".

    The engine writes every citation as "refs — section (what the passage says)", the gloss itself may hold
    parentheses. The printed record keeps reference and section; what each reference is cited for is
    printed once, in the references list.
    """
    if not citation.endswith(")"):
        return citation
    depth = 0
    for index in range(len(citation) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(citation[index], 0)
        if depth == 0:
            return citation[:index].rstrip()
    return citation  # unbalanced: print it whole


def printed_sources(citations: list[str]) -> list[str]:
    """Return CITATIONS without glosses, one entry per section with all its references, in first-cited order.

    "ref 28 — Mesenteric …; refs 10, 18 — Mesenteric …" prints as "refs 28, 10, 18 — Mesenteric …".
    """
    sections: dict[str, list[str]] = {}
    for citation in citations:
        text = without_gloss(citation)
        match = CITED_SECTION.match(text)
        numbers, section = (match.group(1).split(", "), match.group(2)) if match else ([], text)
        known = sections.setdefault(section, [])
        known.extend(n for n in numbers if n not in known)
    return [
        f"{'ref' if len(numbers) == 1 else 'refs'} {', '.join(numbers)} — {section}" if numbers else section
        for section, numbers in sections.items()
    ]


@dataclass
class CaseSection:
    """Everything one case's summary shows."""

    case: Case
    decision: Decision | None
    chain: list[Decision]
    assessment: dict | None
    errors: tuple[str, ...]
    options: list[dict]
    findings: list
    draft: bool
    meeting: Meeting | None = None
    attendees: list[Attendance] = field(default_factory=list)
    present: list[Attendance] = field(default_factory=list)
    absent: list[Attendance] = field(default_factory=list)
    quorum: object = None
    reference_numbers: set[int] = field(default_factory=set)
    age: str = ""  # the patient's age at the meeting of the decision (today without one)


def latest_decision(case: Case) -> Decision | None:
    """Return the newest decision of CASE: the latest version at its most recent meeting."""
    return (
        Decision.objects.filter(agenda_item__case=case)
        .select_related("agenda_item__meeting__chair", "author", "signed_by")
        .order_by("-agenda_item__meeting__scheduled_at", "-version")
        .first()
    )


def build_section(
    case: Case, decision: Decision | None, content: PageContent, guideline: Guideline | None = None
) -> CaseSection:
    """Collect a case section. With a decision, its stored snapshot is the assessment shown."""
    if decision is not None:
        assessment, errors = decision.engine_snapshot, ()
    else:
        result = assess(case, guideline)
        assessment = assessment_to_dict(result.assessment) if result.assessment else None
        errors = result.errors
    outcomes = {o["code"]: o for o in (decision.outcomes if decision else [])}
    options = []
    numbers: set[int] = set()
    for rec in (assessment or {}).get("recommendations", []):
        text = content.option(rec["code"], rec["title"])
        outcome = outcomes.get(rec["code"])
        departure = bool(outcome) and is_departure(rec["verdict"], outcome["outcome"])
        # Snapshots from before round 2 have no "why": their first reason is printed in its place.
        why = rec.get("why") or (rec["reasons"][0] if rec["reasons"] else "")
        options.append(
            {
                **rec,
                "why": why,
                "other_reasons": [reason for reason in rec["reasons"] if reason != why],
                "to_confirm": rec.get("to_confirm", []),
                "sources": printed_sources(rec["citations"]),
                "compact": is_quiet(rec["verdict"], outcome["outcome"] if outcome else None),
                "title": text.title,
                "summary": text.summary,
                "caveats": text.caveats,
                "outcome": outcome["outcome"] if outcome else None,
                "reason": outcome.get("reason", "") if outcome else "",
                "departure": departure,
            }
        )
        for citation in rec["citations"]:
            for match in REFERENCE_NUMBERS.finditer(citation):
                numbers.update(int(n) for n in re.split(r", | and ", match.group(1)))
    section = CaseSection(
        case=case,
        decision=decision,
        chain=[],
        assessment=assessment,
        errors=tuple(errors),
        options=options,
        findings=recorded_findings_by_step(case),
        draft=decision is None or decision.status != DecisionStatus.SIGNED,
        reference_numbers=numbers,
    )
    if decision is not None:
        item = decision.agenda_item
        section.meeting = item.meeting
        # The decision itself as given: at sign-off it is being signed in memory, the database still has the draft.
        section.chain = [
            decision if version.pk == decision.pk else version
            for version in Decision.objects.filter(agenda_item=item)
            .select_related("author", "signed_by")
            .prefetch_related("actions")
            .order_by("version")
        ]
        section.attendees = list(item.meeting.attendances.select_related("user").order_by("specialty", "name"))
        section.present = [a for a in section.attendees if a.present]
        section.absent = [a for a in section.attendees if not a.present]
        section.quorum = quorum(section.attendees, active_quorum())
        section.age = age_text(case.patient, timezone.localdate(item.meeting.scheduled_at), meeting_day=True)
    else:
        section.age = age_text(case.patient, timezone.localdate(), meeting_day=False)
    return section


# The seeded rows say this until an editor enters the published entry; printing it 40 times adds pages.
PLACEHOLDER_CITATION = "the full entry is not in the seed text"


def references_for(sections: list[CaseSection]) -> list[dict]:
    """Return the references cited in SECTIONS: number, published entry (when known), what it is cited for."""
    numbers = set().union(*(s.reference_numbers for s in sections)) if sections else set()
    return [
        {
            "number": ref.number,
            "citation": "" if PLACEHOLDER_CITATION in ref.citation else ref.citation,
            "cited_for": ref.cited_for,
        }
        for ref in Reference.objects.filter(number__in=numbers).order_by("number")
    ]


def case_summary_html(case: Case, decision: Decision | None, content: PageContent | None = None) -> str:
    """Return the HTML of CASE's summary (with DECISION's outcome when given)."""
    section = build_section(case, decision, content or load_page_content())
    return render_to_string(
        "reports/case_summary.html",
        {
            "section": section,
            "draft": section.draft,
            "references": references_for([section]),
            "generated_at": timezone.now(),
        },
    )


def render_case_summary(case: Case, decision: Decision | None = None) -> bytes:
    return render_pdf(case_summary_html(case, decision))


def meeting_pack_cover_html(meeting: Meeting, items: list[AgendaItem], heads: dict) -> str:
    """Return the HTML of the pack's cover: meeting, attendance and quorum, one outcome line per case."""
    attendees = list(
        meeting.attendances.select_related("user").prefetch_related("amendments__author").order_by("specialty", "name")
    )
    rows = [(item, heads.get(item.pk)) for item in items]
    # A case deferred or marked not discussed at closing has no decision to wait for.
    draft = meeting.is_open or any((d is None or not d.is_signed) and not item.closing for item, d in rows)
    return render_to_string(
        "reports/meeting_pack.html",
        {
            "meeting": meeting,
            "rows": rows,
            "attendees": attendees,
            "quorum": quorum(attendees, active_quorum()),
            "amended": any(a.amendments.all() for a in attendees),
            "draft": draft,
            "generated_at": timezone.now(),
        },
    )


def pack_contents(meeting: Meeting) -> tuple[list[AgendaItem], dict[int, Decision]]:
    """Return MEETING's agenda items in order, and each item's newest decision by the item's pk."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("case__patient", "presenter", "deferred_to")
        .order_by("position")
    )
    heads = {}
    for decision in (
        Decision.objects.filter(agenda_item__meeting=meeting)
        .select_related("agenda_item__meeting__chair", "agenda_item__case__patient", "author", "signed_by")
        .order_by("agenda_item_id", "version")
    ):
        heads[decision.agenda_item_id] = decision  # the last one per item is the newest version
    return items, heads


def pack_has_drafts(meeting: Meeting) -> bool:
    """Return whether MEETING's pack holds a summary to render (a case without a signed decision)."""
    items, heads = pack_contents(meeting)
    return any(item.pk not in heads or not heads[item.pk].is_signed for item in items)


def render_meeting_pack(meeting: Meeting, progress: Callable[[int, int], None] | None = None) -> bytes:
    """Return MEETING's outcome pack: the cover, then every case's summary in agenda order.

    A signed decision's summary is its stored PDF, page for page as signed; a draft (or a case without a
    decision) is rendered now and marked DRAFT. Each summary keeps its own page numbering. PROGRESS, when
    given, is told (documents rendered, documents to render) after each one: the cover and each draft.
    """
    items, heads = pack_contents(meeting)
    signed_heads = [d for d in heads.values() if d.status == DecisionStatus.SIGNED]
    prefetch_related_objects(signed_heads, "stored_summary")  # one query for every stored PDF
    signed = {d.agenda_item_id: summary_for_decision(d) for d in signed_heads}
    drafts = [item for item in items if item.pk not in signed]
    report = progress or (lambda done, total: None)
    total = 1 + len(drafts)
    report(0, total)
    cover = render_pdf(meeting_pack_cover_html(meeting, items, heads))
    report(1, total)
    content = load_page_content()
    draft_pdfs = {}
    for done, item in enumerate(drafts, start=2):
        draft_pdfs[item.pk] = render_pdf(case_summary_html(item.case, heads.get(item.pk), content))
        report(done, total)
    writer = PdfWriter()
    for pdf in [cover] + [signed.get(item.pk) or draft_pdfs[item.pk] for item in items]:
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class MissingSignedRecord(Exception):
    """A signed decision has no stored PDF: an integrity failure. Its PDF is never rendered again."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(f"signed decision {decision.public_id} has no stored PDF")
        self.decision = decision


def record_name(decision: Decision) -> str:
    """The name of the decision's canonical JSON inside its PDF (a UUID, never a patient's name)."""
    return f"mdt-decision-{decision.public_id}.json"


def render_signed_summary(decision: Decision, content: bytes) -> bytes:
    """Render the summary of DECISION as it is being signed, attach CONTENT and sign it with the key.

    Called by `sign_decision` before its transaction: DECISION carries the signature fields in memory
    (signer, time, names at signing), CONTENT is its canonical JSON. Returns the PAdES-signed PDF/A-3u.
    """
    # Imported here: pyHanko takes about a second to import, which only sign-off and verification should pay
    # (not every server process's first page).
    from cases.reports.signing import sign_record_pdf

    pdf = render_case_summary(decision.agenda_item.case, decision)
    return sign_record_pdf(
        pdf,
        record=content,
        record_name=record_name(decision),
        description="The signed decision's canonical content (JSON, sorted keys, UTF-8); its SHA-256 is printed",
        reason=f"MDT decision {decision.public_id} version {decision.version} signed",
    )


def store_signed_summary(decision: Decision, pdf: bytes) -> StoredSummary:
    """Keep the signed DECISION's PDF with its SHA-256: inside `sign_decision`'s transaction, with the signature."""
    if decision.status != DecisionStatus.SIGNED:
        raise ValueError("only a signed decision's summary is stored")
    return StoredSummary.objects.create(
        decision=decision, pdf=pdf, sha256=StoredSummary.digest(pdf), byte_size=len(pdf)
    )


def summary_for_decision(decision: Decision) -> bytes:
    """Return the PDF for DECISION: the stored bytes once signed, a DRAFT rendering before.

    A signed decision without its stored PDF raises MissingSignedRecord: the signed record is never
    rendered again from today's content (docs/reports.md).
    """
    if decision.status == DecisionStatus.SIGNED:
        try:
            stored = decision.stored_summary  # fetched here, or prefetched for a whole pack
        except StoredSummary.DoesNotExist:
            logger.error("Integrity failure: signed decision %s has no stored PDF", decision.public_id)
            raise MissingSignedRecord(decision) from None
        return bytes(stored.pdf)
    return render_case_summary(decision.agenda_item.case, decision)


def summary_for_case(case: Case) -> bytes:
    """Return the PDF for CASE: that of its latest decision, or a DRAFT summary without one."""
    decision = latest_decision(case)
    if decision is None:
        return render_case_summary(case)
    return summary_for_decision(decision)
