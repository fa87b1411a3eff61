"""Background jobs: slow work a user asked for, done by a django.tasks worker, with its result kept here.

One model for every kind of such work (draft PDFs and guideline impact previews today; letters, exports and
imports later): who asked, what for, how far it got, and the bytes it made. Kept in the database, so
whichever app server a user's next request reaches shows the progress and serves the result. A result is
a copy of patient data: it is deleted `JOB_RESULT_HOURS` after the job finished (or was asked for).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse


class JobKind(models.TextChoices):
    """What a job makes. A feature that adds a kind adds its task (the work) where its code lives."""

    CASE_SUMMARY = "case_summary", "Draft MDT summary of a case"
    DECISION_SUMMARY = "decision_summary", "Draft MDT summary of a decision"
    MEETING_PACK = "meeting_pack", "Outcome pack with drafts"
    PATIENT_IMPORT = "patient_import", "Import of patients from a file"
    GUIDELINE_IMPACT = "guideline_impact", "Impact preview of a guideline draft"


# Kinds whose result is shown on a page of the feature (the job's back_url), not downloaded: the job page
# leads there once the job is done.
SHOWN_ON_PAGE = frozenset({JobKind.GUIDELINE_IMPACT})
# What the progress bar counts and what the result is called, where it is not rendering documents.
WORDING = {JobKind.GUIDELINE_IMPACT: ("Assessing", "case", "preview")}
DOCUMENTS = ("Rendering", "document", "document")


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class Job(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=32, choices=JobKind.choices)
    # What the job works on, as a model label and its public UUID (never a name), like the access log: the
    # download is recorded against it.
    subject_type = models.CharField(max_length=50)
    subject_id = models.UUIDField()
    # Only the person who asked sees the job and its result, and only while their role still allows
    # PERMISSION (the cases.access.Action the subject itself needs; checked as such by cases.jobs.access,
    # not listed as choices here, so that a new action elsewhere needs no migration of this table).
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    permission = models.CharField(max_length=80)
    # What the page calls it and where it leads back to; both given by the feature that started it, and
    # without patient data (the job page is not a patient page).
    title = models.CharField(max_length=200)
    back_url = models.CharField(max_length=300)
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)
    # The django.tasks result id, to find the job in the queue (manage.py db_worker's table, the admin).
    task_id = models.CharField(max_length=64, blank=True)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    result = models.BinaryField(null=True, blank=True)
    byte_size = models.PositiveIntegerField(null=True, blank=True)
    # What went wrong, for IT: the exception's class and where it was raised; never its message, which may
    # quote patient data.
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "kind", "subject_id"])]
        constraints = [
            # A progress bar past its end would tell the user something false.
            models.CheckConstraint(condition=Q(progress_done__lte=F("progress_total")), name="job_progress_in_range"),
            # "Ready" always has something to download.
            models.CheckConstraint(
                condition=~Q(status=JobStatus.DONE) | Q(result__isnull=False), name="job_done_has_result"
            ),
            models.CheckConstraint(condition=Q(status__in=JobStatus.values), name="job_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", kwargs={"public_id": self.public_id})

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}

    @property
    def is_done(self) -> bool:
        return self.status == JobStatus.DONE

    @property
    def progress_verb(self) -> str:
        return WORDING.get(self.kind, DOCUMENTS)[0]

    @property
    def progress_noun(self) -> str:
        return WORDING.get(self.kind, DOCUMENTS)[1]

    @property
    def result_noun(self) -> str:
        return WORDING.get(self.kind, DOCUMENTS)[2]

    @property
    def is_shown_on_page(self) -> bool:
        """Whether the result is read on the feature's page (back_url) rather than downloaded."""
        return self.kind in SHOWN_ON_PAGE

    @property
    def is_failed(self) -> bool:
        return self.status == JobStatus.FAILED

    @property
    def is_queued(self) -> bool:
        return self.status == JobStatus.QUEUED

    @property
    def is_running(self) -> bool:
        return self.status == JobStatus.RUNNING
