"""The MDT outcome record of a case and the outcome pack of a meeting, as PDF.

The record puts the board's outcome on page 1 (intent, plan, chosen options with the engine's one-line why,
departures with the board's reason, actions, attendance, signature) and the findings, stage, grade and the
options not chosen (one line each) on page 2, as UK MDT outcome forms do (issue 19).

A signed decision's summary is rendered once, at sign-off, from what was signed: the decision's stored
engine snapshot and guideline parameters (not a fresh evaluation), the findings and texts of that
moment. Drafts, and cases not yet discussed, are rendered on demand (by the task worker, cases/reports/tasks.py)
and marked DRAFT on every page.
"""

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import pypdf
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

from cases.meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    DecisionStatus,
    Meeting,
    Outcome,
    is_departure,
)
from cases.meetings.quorum import quorum
from cases.pathways.content import PageContent, load_page_content
from cases.pathways.engine import Guideline, assessment_to_dict
from cases.pathways.guideline_versions import active_quorum
from cases.pathways.services import assess
from cases.pathways.steps import recorded_findings_by_step
from cases.patients.display import age_text
from cases.patients.models import Case
from cases.reports.models import StoredSummary
from cases.reports.pdf import render_pdf

logger = logging.getLogger(__name__)


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
    age: str = ""  # the patient's age at the meeting of the decision (today without one)

    @property
    def chosen(self) -> list[dict]:
        """The options the board will do (accepted or modified), each printed with its why on page 1."""
        return [o for o in self.options if o["outcome"] in (Outcome.ACCEPT, Outcome.MODIFY)]

    @property
    def declined_departures(self) -> list[dict]:
        """The options the engine recommends that the board rejected: departures, with the board's reason."""
        return [o for o in self.options if o["departure"] and o["outcome"] == Outcome.REJECT]

    @property
    def in_full(self) -> list[dict]:
        """The options whose every reason, caveat and source the record prints: the chosen ones and departures."""
        return [o for o in self.options if o["outcome"] in (Outcome.ACCEPT, Outcome.MODIFY) or o["departure"]]

    @property
    def not_chosen(self) -> list[dict]:
        """The options the board does not do and did not depart on: one line each (all of them before a decision)."""
        full = {o["code"] for o in self.in_full}
        return [o for o in self.options if o["code"] not in full]

    @property
    def dated_findings(self) -> list[tuple]:
        """Return [(step, date or "", [(label, value)], [not recorded])]: each step's date out of its lines.

        Every step that records findings asks first for the date they were made (cases/patients/models.py),
        so the record can print "3. Cross-sectional imaging (14 Sep 2026): …" once, not as one more line.
        """
        rows = []
        for step, recorded, not_recorded in self.findings:
            date, values = "", list(recorded)
            if values and values[0][0].lower().startswith("date of"):
                date, values = values[0][1], values[1:]
            rows.append((step, date, values, not_recorded))
        return rows


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
                "title": text.title,
                "outcome": outcome["outcome"] if outcome else None,
                "reason": outcome.get("reason", "") if outcome else "",
                "departure": departure,
            }
        )
    section = CaseSection(
        case=case,
        decision=decision,
        chain=[],
        assessment=assessment,
        errors=tuple(errors),
        options=options,
        findings=recorded_findings_by_step(case),
        draft=decision is None or decision.status != DecisionStatus.SIGNED,
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


def case_summary_html(case: Case, decision: Decision | None, content: PageContent | None = None) -> str:
    """Return the HTML of CASE's summary (with DECISION's outcome when given)."""
    section = build_section(case, decision, content or load_page_content())
    return render_to_string(
        "reports/case_summary.html",
        {
            "section": section,
            "draft": section.draft,
            "generated_at": timezone.now(),
        },
    )


def render_case_summary(case: Case, decision: Decision | None = None) -> bytes:
    return render_pdf(case_summary_html(case, decision))


@dataclass(frozen=True)
class PackEntry:
    """One case of a meeting's pack: its agenda item, newest decision and the pack page it starts on."""

    item: AgendaItem
    decision: Decision | None
    start_page: int = 0


def meeting_pack_cover_html(meeting: Meeting, entries: list[PackEntry]) -> str:
    """Return the HTML of the pack's cover: meeting, attendance (with its amendments) and quorum, per case its
    outcome in one line and the pack page its record starts on."""
    attendees = list(
        meeting.attendances.select_related("user").prefetch_related("amendments__author").order_by("specialty", "name")
    )
    # A case deferred or marked not discussed at closing has no decision to wait for.
    draft = meeting.is_open or any(
        (e.decision is None or not e.decision.is_signed) and not e.item.closing for e in entries
    )
    return render_to_string(
        "reports/meeting_pack.html",
        {
            "meeting": meeting,
            "entries": entries,
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
    """Return MEETING's outcome pack: a cover listing the cases and their start pages, then every case's record.

    A signed decision's record is its stored PDF, page for page as signed; a draft (or a case without a
    decision) is rendered now and marked DRAFT. Every page carries the pack's own page number ("Pack page
    7 of 31") beside the record's, and the PDF outline has one entry per case. PROGRESS, when given, is told
    (documents rendered, documents to render) after each one: each draft, then the cover.
    """
    items, heads = pack_contents(meeting)
    signed_heads = [d for d in heads.values() if d.status == DecisionStatus.SIGNED]
    prefetch_related_objects(signed_heads, "stored_summary")  # one query for every stored PDF
    signed = {d.agenda_item_id: summary_for_decision(d) for d in signed_heads}
    drafts = [item for item in items if item.pk not in signed]
    report = progress or (lambda done, total: None)
    total = 1 + len(drafts)
    report(0, total)
    content = load_page_content()
    records = dict(signed)
    for done, item in enumerate(drafts, start=1):
        records[item.pk] = render_pdf(case_summary_html(item.case, heads.get(item.pk), content))
        report(done, total)
    readers = [pypdf.PdfReader(io.BytesIO(records[item.pk])) for item in items]
    cover = render_pack_cover(meeting, items, heads, [len(reader.pages) for reader in readers])
    report(total, total)
    writer = pypdf.PdfWriter()
    # The records' own outlines (WeasyPrint makes one from their headings) would bury the cases: one entry each.
    writer.append(cover, import_outline=False)
    for position, (item, reader) in enumerate(zip(items, readers, strict=True), start=1):
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        patient = item.case.patient
        writer.add_outline_item(
            title=f"{position}. {patient.family_name.upper()}, {patient.given_name} · {patient.hospital_number}",
            page_number=start,
        )
    stamp_pack_page_numbers(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_pack_cover(
    meeting: Meeting, items: list[AgendaItem], heads: dict[int, Decision], record_pages: list[int]
) -> pypdf.PdfReader:
    """Render the cover with each case's start page: the pages of the records are known, the cover's own are
    counted from a first rendering (a second one only when the cover turned out longer than guessed)."""
    cover_pages = 1
    while True:
        starts, page = [], cover_pages + 1
        for count in record_pages:
            starts.append(page)
            page += count
        entries = [PackEntry(item, heads.get(item.pk), start) for item, start in zip(items, starts, strict=True)]
        cover = pypdf.PdfReader(io.BytesIO(render_pdf(meeting_pack_cover_html(meeting, entries))))
        if len(cover.pages) == cover_pages:
            return cover
        cover_pages = len(cover.pages)


# Helvetica is one of the PDF standard fonts every reader has: the stamp needs no font embedded in each page.
_STAMP_FONT = DictionaryObject(
    {
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    }
)
_STAMP_FONT_NAME = NameObject("/FSinenPack")
STAMP_FROM_TOP_MM = 5.5
STAMP_FROM_RIGHT_MM = 52


def stamp_pack_page_numbers(writer: pypdf.PdfWriter) -> None:
    """Print "Pack page N of M" at the top right of every page, above each record's own header.

    The signed records keep their own "Page x of y": their bytes are not re-rendered, only joined, so the
    pack's numbering is drawn on top. Each page gets one more content stream wrapped around the existing
    ones (q … Q keeps their graphics state away from ours); nothing of the page is parsed or rewritten.
    """
    font = writer._add_object(_STAMP_FONT)
    total = len(writer.pages)
    points_per_mm = 72 / 25.4
    for number, page in enumerate(writer.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        x = float(page.mediabox.left) + width - STAMP_FROM_RIGHT_MM * points_per_mm
        y = float(page.mediabox.bottom) + height - STAMP_FROM_TOP_MM * points_per_mm
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        fonts[_STAMP_FONT_NAME] = font
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
        text = f"Pack page {number} of {total}".encode("cp1252")
        before, after = StreamObject(), StreamObject()
        before.set_data(b"q\n")
        after.set_data(b"\nQ\nq BT /FSinenPack 7 Tf 1 0 0 1 %.2f %.2f Tm (%s) Tj ET Q\n" % (x, y, text))
        contents = page.get("/Contents")
        existing = contents.get_object() if contents is not None else ArrayObject()
        existing = list(existing) if isinstance(existing, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *existing, writer._add_object(after)])


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
