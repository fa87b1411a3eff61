"""Writes of the reports app: storing a decision's letters once, and recording that a letter was sent."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.meetings.models import Decision
from cases.reports.letters import render_signed_letter
from cases.reports.models import LetterSending, StoredLetter, StoredSummary


class LetterNotAvailable(Exception):
    """The decision is not signed: there is no letter about a draft."""


def store_letter(decision: Decision, recipient: str) -> StoredLetter:
    """Return DECISION's stored letter to RECIPIENT, rendering, signing and storing it on the first request.

    The render runs outside any transaction (WeasyPrint takes a few hundred milliseconds; the database's
    write lock is not held for it). The insert is one short transaction; the unique constraint on
    (decision, recipient) decides between two app servers rendering at once: the second's insert fails,
    and it serves the first's letter, so every download of a letter gets the same bytes.
    """
    if not decision.is_signed:
        raise LetterNotAvailable(f"decision {decision.public_id} is not signed")
    existing = StoredLetter.objects.filter(decision=decision, recipient=recipient).first()
    if existing is not None:
        return existing
    pdf = render_signed_letter(decision, recipient)
    try:
        with transaction.atomic():
            return StoredLetter.objects.create(
                decision=decision,
                recipient=recipient,
                pdf=pdf,
                sha256=StoredSummary.digest(pdf),
                byte_size=len(pdf),
            )
    except IntegrityError:
        # Another request stored it meanwhile: theirs is the letter.
        return StoredLetter.objects.get(decision=decision, recipient=recipient)


def record_letter_sent(
    letter: StoredLetter, user, method: str, note: str = "", now: datetime | None = None
) -> LetterSending:
    """Record that USER sent LETTER by METHOD; the history row (who, when) is written in the same transaction."""
    with transaction.atomic():
        sending = LetterSending(letter=letter, method=method, note=note, sent_by=user, sent_at=now or timezone.now())
        sending._history_user = user
        sending.full_clean()
        sending.save()
    return sending
