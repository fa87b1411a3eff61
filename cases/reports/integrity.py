"""Whether the signed record still holds: each signed decision, its stored PDF and letters, and both chains.

One set of checks serves `manage.py verify_records` (everything), the decision page (one decision and its
neighbours in the chain, through settings.SIGNED_RECORD_VERIFIER) and the dashboard's alarm for chairs and
administrators (signed decisions whose PDF has gone, one query). Findings name records by UUID or chain
position only, never a patient.

What the database cannot stop — an owner who drops the triggers and edits rows — shows up here: a content
hash that no longer matches, a key signature that does not verify, a gap or a broken link in a chain, a PDF
that is missing, altered, not signed by the installation's key or does not carry the signed content.
A chain cut off at its end leaves no gap; `verify_records` prints each chain's head, so an auditor who
noted it earlier sees that too.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

from cases import integrity
from cases.access import Action, can
from cases.audit.models import AccessLog
from cases.meetings.models import Decision, DecisionStatus
from cases.meetings.services import canonical_content, chain_statement, signature_problems
from cases.reports.models import StoredLetter, StoredSummary
from cases.reports.summary import record_name

logger = logging.getLogger(__name__)


@dataclass
class Finding:
    """One thing that does not hold, about one record."""

    record: str  # "decision <uuid>" or "access log entry <position>"
    problem: str

    def __str__(self) -> str:
        return f"{self.record}: {self.problem}"


@dataclass
class Report:
    """What verify_records found, and what it looked at."""

    findings: list[Finding] = field(default_factory=list)
    decisions: int = 0
    before_keys: int = 0
    pdfs: int = 0
    letters: int = 0
    log_entries: int = 0
    unsigned_log_entries: int = 0
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def holds(self) -> bool:
        return not self.findings


# What pyHanko found in a signed PDF, by its bytes, its record's name and the certificates trusted. Reading and
# validating a signed PDF costs about 80 ms of CPU, and the decision page checks its decision's PDF at every view.
# The same bytes under the same certificates always give the same findings (the certificate is pinned by
# fingerprint, no clock: signing.pades_problems); a changed PDF is another key and is read afresh. Per process,
# the last PDF_FINDINGS, bytes kept as their key (a decision's summary is some 45 KB: 3 MB at most).
PDF_FINDINGS = 64


@lru_cache(maxsize=PDF_FINDINGS)
def _signed_pdf_findings(pdf: bytes, name: str, trusted: tuple) -> tuple[tuple[str, ...], bytes | None]:
    """Return the PAdES signature's problems and the attached record NAME of PDF, TRUSTED as dict items."""
    # Imported here: pyHanko takes about a second to import; pages that only show the alarm do not need it.
    from cases.reports.signing import attached_record, pades_problems

    return tuple(pades_problems(pdf, dict(trusted))), attached_record(pdf, name)


def pdf_problems(decision: Decision, stored: StoredSummary | None, trusted: dict) -> list[str]:
    """Return what does not hold about the signed DECISION's stored PDF."""
    if stored is None:
        return ["its signed PDF is missing (it is never rendered again: restore it from a backup)"]
    pdf = bytes(stored.pdf)
    digest = StoredSummary.digest(pdf)
    problems = []
    if digest != stored.sha256:
        problems.append("its stored PDF does not match the SHA-256 stored with it")
    if decision.signed_schema == 1:
        return problems  # signed before PDFs were signed: its hash is what there is
    if stored.sha256 != decision.pdf_sha256:
        problems.append("its stored PDF is not the one the decision's signature names")
    signature, record = _signed_pdf_findings(pdf, record_name(decision), tuple(trusted.items()))
    problems.extend(signature)
    if record != canonical_content(decision):
        problems.append("its PDF does not carry the decision's signed content")
    return problems


def decision_problems(decision: Decision, trusted: dict, stored: StoredSummary | None) -> list[str]:
    """Return what does not hold about one signed DECISION: content, key signature and stored PDF."""
    return signature_problems(decision, trusted) + pdf_problems(decision, stored, trusted)


def _stored(decision: Decision) -> StoredSummary | None:
    try:
        return decision.stored_summary
    except StoredSummary.DoesNotExist:
        return None


def check_decision(decision: Decision) -> list[str]:
    """Return what does not hold about DECISION and its links to its neighbours in the chain (the decision page)."""
    if not decision.is_signed:
        return []
    trusted = integrity.trusted_certificates()
    problems = decision_problems(decision, trusted, _stored(decision))
    position = decision.chain_position
    before = Decision.objects.filter(chain_position=position - 1).first() if position > 1 else None
    expected = integrity.sha256(chain_statement(before)) if before else integrity.GENESIS
    if position > 1 and before is None:
        problems.append(f"the decision before it in the chain (position {position - 1}) is missing")
    elif decision.chain_previous != expected:
        problems.append("its link to the decision signed before it is broken")
    after = Decision.objects.filter(chain_position=position + 1).first()
    if after is not None and after.chain_previous != integrity.sha256(chain_statement(decision)):
        problems.append("the decision signed after it no longer links to it")
    if problems:
        logger.error("Integrity failure: decision %s: %s", decision.public_id, "; ".join(problems))
    return problems


def _signed_decisions() -> Iterator[Decision]:
    return (
        Decision.objects.filter(status=DecisionStatus.SIGNED)
        .select_related("agenda_item__meeting", "agenda_item__case", "amends")
        .order_by("chain_position", "pk")
        .iterator(chunk_size=100)
    )


def verify_decisions(report: Report, trusted: dict) -> None:
    """Check every signed decision, its PDF, and the chain of signed decisions from its first link."""
    expected_position, previous, keyed = 1, integrity.GENESIS, False
    stored_ids = dict(StoredSummary.objects.values_list("decision_id", "pk"))
    for decision in _signed_decisions():
        name = f"decision {decision.public_id}"
        report.decisions += 1
        stored = StoredSummary.objects.get(pk=stored_ids[decision.pk]) if decision.pk in stored_ids else None
        report.pdfs += stored is not None
        report.findings.extend(Finding(name, p) for p in decision_problems(decision, trusted, stored))
        if decision.chain_position is None:
            report.findings.append(Finding(name, "it is signed but has no place in the chain of signed decisions"))
            continue
        if decision.chain_position != expected_position:
            report.findings.append(
                Finding(name, f"the chain jumps from position {expected_position - 1} to {decision.chain_position}")
            )
        if decision.chain_previous != previous:
            report.findings.append(Finding(name, "its link to the decision signed before it is broken"))
        if decision.signed_schema == 1:
            report.before_keys += 1
            if keyed:
                report.findings.append(Finding(name, "an unsigned (schema 1) decision after keyed ones: inserted"))
        else:
            keyed = True
        previous = integrity.sha256(chain_statement(decision))
        report.heads["decisions"] = (decision.chain_position, previous)
        expected_position = decision.chain_position + 1
    orphans = StoredSummary.objects.exclude(decision__status=DecisionStatus.SIGNED).count()
    if orphans:
        report.findings.append(Finding("stored PDFs", f"{orphans} belong to a decision that is not signed"))


def letter_problems(letter: StoredLetter, trusted: dict) -> list[str]:
    """Return what does not hold about a stored letter: its hash, its PAdES signature, the signed content it carries."""
    from cases.reports.signing import attached_record, pades_problems  # pyHanko: see pdf_problems

    pdf = bytes(letter.pdf)
    problems = []
    if not letter.matches():
        problems.append("its stored PDF does not match the SHA-256 stored with it")
    problems.extend(pades_problems(pdf, trusted))
    decision = letter.decision
    if attached_record(pdf, record_name(decision)) != canonical_content(decision):
        problems.append(f"it does not carry the signed content of decision {decision.public_id}")
    return problems


def verify_letters(report: Report, trusted: dict) -> None:
    """Check every stored letter to a GP or referrer, as the decisions' own PDFs are checked."""
    letters = StoredLetter.objects.select_related("decision__agenda_item__meeting", "decision__agenda_item__case")
    for letter in letters.order_by("pk").iterator(chunk_size=100):
        report.letters += 1
        name = f"letter {letter.public_id} ({letter.recipient})"
        report.findings.extend(Finding(name, p) for p in letter_problems(letter, trusted))


def verify_access_log(report: Report, trusted: dict) -> None:
    """Check the access log's chain: positions without gaps, every link, every signature."""
    expected_position, previous, signed = 1, integrity.GENESIS, False
    for entry in AccessLog.objects.order_by("chain_position").iterator(chunk_size=2000):
        name = f"access log entry {entry.chain_position} (id {entry.pk})"
        report.log_entries += 1
        if entry.chain_position != expected_position:
            report.findings.append(
                Finding(name, f"the chain jumps from position {expected_position - 1} to {entry.chain_position}")
            )
        if entry.chain_previous != previous:
            report.findings.append(Finding(name, "its link to the entry before it is broken"))
        text = entry.chain_statement()
        if entry.signature:
            signed = True
            if not integrity.signature_holds(text, entry.signature, entry.signing_key, trusted):
                report.findings.append(Finding(name, "its signature does not verify: the entry was changed"))
        elif signed:
            report.findings.append(Finding(name, "unsigned, after signed entries: written around the app"))
        else:
            report.unsigned_log_entries += 1
        previous = integrity.sha256(text)
        report.heads["access log"] = (entry.chain_position, previous)
        expected_position = entry.chain_position + 1


def verify_records() -> Report:
    """Check every signed decision, its PDF, and both chains; return the findings."""
    report = Report()
    trusted = integrity.trusted_certificates()
    verify_decisions(report, trusted)
    verify_letters(report, trusted)
    verify_access_log(report, trusted)
    for finding in report.findings:
        logger.error("Integrity failure: %s", finding)
    return report


def missing_pdfs() -> int:
    """Return how many signed decisions have lost their stored PDF (one query, for the dashboard's alarm)."""
    return StoredSummary.missing_for_signed().count()


def record_alarm(request) -> dict:
    """Template context: `record_alarm`, the number of signed decisions whose PDF has gone, for chairs and
    administrators (counted only where a page shows it: the dashboard, the admin's index)."""
    user = getattr(request, "user", None)

    @cache
    def count() -> int:
        return missing_pdfs() if user is not None and can(user, Action.VIEW_RECORD_INTEGRITY) else 0

    # A callable: templates call it when they show it, and get an int (filters such as pluralize need one).
    return {"record_alarm": count}
