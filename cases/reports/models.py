"""PDFs kept for the record: the MDT summary rendered once when a decision is signed, and the letters about it."""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from simple_history.models import HistoricalRecords

from cases.meetings.models import Decision, DecisionStatus


class StoredSummaryError(Exception):
    """Raised when code tries to change or delete a stored summary."""


class StoredSummary(models.Model):
    """The case summary PDF of one signed decision, byte for byte as rendered at sign-off.

    Later downloads serve these bytes, so a summary read in 2030 is the one signed in 2026 even if
    templates, texts or the guideline have changed since. An amendment is a new decision and gets
    its own stored summary. Kept in the database so that one backup holds record and PDF together.
    """

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="stored_summary")
    pdf = models.BinaryField()
    sha256 = models.CharField("SHA-256 of the PDF", max_length=64)
    byte_size = models.PositiveIntegerField()
    rendered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "stored summaries"
        constraints = [models.CheckConstraint(condition=models.Q(byte_size__gt=0), name="stored_summary_not_empty")]

    def __str__(self) -> str:
        return f"Summary of decision {self.decision_id} ({self.byte_size} bytes)"

    def save(self, *args, **kwargs):
        # A guard, not business logic: the database refuses UPDATEs and DELETEs too (migration 0003).
        if self.pk is not None:
            raise StoredSummaryError("a stored summary cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise StoredSummaryError("a stored summary cannot be deleted")  # and the database refuses (0003)

    @staticmethod
    def missing_for_signed():
        """The signed decisions without a stored PDF: integrity failures (cases/reports/integrity.py)."""
        # NOT EXISTS, not the LEFT JOIN of `stored_summary__isnull`: PostgreSQL then reads two indexes alone (the
        # signed decisions' ids, meetings 0013, and the stored PDFs' decisions) in one merge anti-join.
        stored = StoredSummary.objects.filter(decision=OuterRef("pk"))
        return Decision.objects.filter(~Exists(stored), status=DecisionStatus.SIGNED).order_by("signed_at")

    @staticmethod
    def digest(pdf: bytes) -> str:
        return hashlib.sha256(pdf).hexdigest()

    def matches(self) -> bool:
        """Return whether the stored bytes still have the hash recorded when they were stored."""
        return self.digest(bytes(self.pdf)) == self.sha256


class LetterSettings(models.Model):
    """The hospital's letterhead, signatory and contact details printed on the board's letters.

    Content maintained in the admin by content editors, with its history (who changed what, when) like the
    guideline's texts. One row, seeded with fictional values (migration 0004). A letter prints the values of
    the moment it is generated and keeps them: a stored letter is never rendered again.
    """

    hospital_name = models.CharField("hospital", max_length=200)
    department = models.CharField("department or service", max_length=200)
    address = models.TextField("postal address", max_length=1000, help_text="One line of the address per line.")
    telephone = models.CharField("telephone", max_length=100)
    email = models.CharField("secure e-mail", max_length=200)
    signatory_name = models.CharField("signatory", max_length=200, help_text="Who signs the letters, e.g. the chair.")
    signatory_title = models.CharField("signatory's title", max_length=200)
    contact_note = models.TextField(
        "contact note",
        max_length=1000,
        blank=True,
        help_text="Printed above the signature, e.g. whom to call with questions about the letter.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "letterhead and signatory"
        verbose_name_plural = "letterhead and signatory"

    def __str__(self) -> str:
        return f"Letterhead of {self.hospital_name}"

    @classmethod
    def current(cls) -> "LetterSettings":
        """Return the letterhead in force (the first row; a blank one if the seed was removed)."""
        return cls.objects.order_by("pk").first() or cls(
            hospital_name="", department="", address="", telephone="", email="", signatory_name="", signatory_title=""
        )


class LetterRecipient(models.TextChoices):
    GP = "gp", "General practitioner"
    REFERRER = "referrer", "Referring clinician"


class StoredLetterError(Exception):
    """Raised when code tries to change or delete a stored letter."""


class StoredLetter(models.Model):
    """A letter about one signed decision (to the GP or the referrer), byte for byte as first rendered and signed.

    Rendered on the first request after signing, from the signed decision, then served unchanged like the
    outcome record (StoredSummary): same PDF/A-3u, the decision's canonical JSON attached, PAdES-signed with
    the installation's key. One per decision and recipient (the unique constraint keeps two app servers from
    storing two); the database refuses UPDATE and DELETE (migration 0004).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="letters")
    recipient = models.CharField(max_length=8, choices=LetterRecipient.choices)
    pdf = models.BinaryField()
    sha256 = models.CharField("SHA-256 of the PDF", max_length=64)
    byte_size = models.PositiveIntegerField()
    rendered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "recipient"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "recipient"], name="stored_letter_one_per_recipient"),
            models.CheckConstraint(condition=models.Q(byte_size__gt=0), name="stored_letter_not_empty"),
            models.CheckConstraint(
                condition=models.Q(recipient__in=LetterRecipient.values), name="stored_letter_recipient_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Letter to the {self.get_recipient_display().lower()} about decision {self.decision_id}"

    def save(self, *args, **kwargs):
        # A guard, not business logic: the database refuses UPDATEs and DELETEs too (migration 0004).
        if not self._state.adding:
            raise StoredLetterError("a stored letter cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise StoredLetterError("a stored letter cannot be deleted")

    def matches(self) -> bool:
        """Return whether the stored bytes still have the hash recorded when they were stored."""
        return StoredSummary.digest(bytes(self.pdf)) == self.sha256


class SendingMethod(models.TextChoices):
    POST = "post", "Post"
    SECURE_EMAIL = "secure_email", "Secure e-mail"
    PRINTED = "printed", "Printed (handed over)"


class LetterSending(models.Model):
    """That a stored letter was sent: who recorded it, when, and how. A letter may be sent more than once."""

    letter = models.ForeignKey(StoredLetter, on_delete=models.PROTECT, related_name="sendings")
    method = models.CharField("how", max_length=16, choices=SendingMethod.choices)
    note = models.CharField("note", max_length=300, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField("sent")
    history = HistoricalRecords()

    class Meta:
        ordering = ["letter", "sent_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=SendingMethod.values), name="letter_sending_method_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter} sent by {self.get_method_display().lower()}"
