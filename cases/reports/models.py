"""PDFs kept for the record: the MDT summary rendered once when a decision is signed."""

import hashlib

from django.db import models

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
        return Decision.objects.filter(status=DecisionStatus.SIGNED, stored_summary__isnull=True).order_by("signed_at")

    @staticmethod
    def digest(pdf: bytes) -> str:
        return hashlib.sha256(pdf).hexdigest()

    def matches(self) -> bool:
        """Return whether the stored bytes still have the hash recorded when they were stored."""
        return self.digest(bytes(self.pdf)) == self.sha256
