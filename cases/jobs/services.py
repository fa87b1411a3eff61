"""Start a background job, do it in the worker, and delete it once it has expired.

A feature that has slow work for a user writes a django.tasks task taking the job's id, which hands the
work to `run_job`, and starts it with `start_job`:

    @task
    def render_draft_pack(job_id: str) -> None:
        run_job(job_id, lambda job, progress: render_meeting_pack(meeting_of(job), progress))

    job = start_job(render_draft_pack, kind=JobKind.MEETING_PACK, subject=meeting, user=request.user, ...)

The job's page (`cases.jobs.views`) shows its progress and offers the result; nothing else is needed.
"""

import logging
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.tasks import Task
from django.utils import timezone

from cases.access import Action
from cases.jobs.models import Job, JobKind, JobStatus

logger = logging.getLogger(__name__)

# progress(done, total): how much of the work is done, in whatever steps it counts (documents, rows).
Progress = Callable[[int, int], None]
Work = Callable[[Job, Progress], bytes]


class JobFailed(Exception):
    """The work of a job raised; the job says so. Carries no message of the original (patient data)."""


def kept_until(moment: datetime) -> datetime:
    """Return when a job's result made at MOMENT is deleted."""
    return moment + timedelta(hours=settings.JOB_RESULT_HOURS)


def start_job(
    task: Task,
    *,
    kind: JobKind,
    subject: models.Model,
    user,
    title: str,
    back_url: str,
    filename: str,
    content_type: str = "application/pdf",
    permission: Action = Action.VIEW_PATIENT_DATA,
) -> Job:
    """Record a job of KIND on SUBJECT for USER and queue TASK to do it; return the job.

    The job's row and the task's place in the queue are written in one transaction: the database queue
    shows a worker the task only once the job exists. A job of the same kind on the same subject that
    USER asked for and that is not finished yet (a second click) is returned instead of a new one.
    With tasks run at once (tests), the job returned is already finished.
    """
    with transaction.atomic():
        delete_expired_jobs()
        unfinished = [JobStatus.QUEUED, JobStatus.RUNNING]
        pending = (
            Job.objects.defer("result")
            .filter(requested_by=user, kind=kind, subject_id=subject.public_id, status__in=unfinished)
            .first()
        )
        if pending is not None:
            return pending
        job = Job.objects.create(
            kind=kind,
            subject_type=subject._meta.label_lower,
            subject_id=subject.public_id,
            requested_by=user,
            permission=permission.value,
            title=title,
            back_url=back_url,
            filename=filename,
            content_type=content_type,
            expires_at=kept_until(timezone.now()),
        )
        queued = task.enqueue(str(job.public_id))
        Job.objects.filter(pk=job.pk).update(task_id=str(queued.id))
    return Job.objects.get(pk=job.pk)


def run_job(public_id: str, work: Work) -> None:
    """Do the job PUBLIC_ID with WORK (in a worker): mark it running, keep its progress, then its result.

    WORK gets the job and a progress function, and returns the bytes to offer for download. Each update
    is committed at once (the worker runs outside any transaction), so every app server sees it. A job
    that is gone (expired) or was started already (by another worker) is left alone. If WORK raises, the
    job is marked failed with the exception's class and place, and JobFailed is raised for the queue.
    """
    if not Job.objects.filter(public_id=public_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    ):
        logger.warning("job %s is gone or was started already", public_id)
        return
    job = Job.objects.defer("result").get(public_id=public_id)
    rows = Job.objects.filter(pk=job.pk)

    def progress(done: int, total: int) -> None:
        rows.update(progress_done=min(done, total), progress_total=total)

    try:
        content = work(job, progress)
    except BaseException as exc:
        where = failure_place(exc)
        rows.update(status=JobStatus.FAILED, finished_at=timezone.now(), error=where[:200])
        logger.error("job %s (%s) failed: %s", job.public_id, job.kind, where)
        if not isinstance(exc, Exception):  # the worker is being stopped: let it stop
            raise
        raise JobFailed(f"job {job.public_id} failed: {where}") from None
    finished = timezone.now()
    rows.update(
        status=JobStatus.DONE,
        result=content,
        byte_size=len(content),
        finished_at=finished,
        expires_at=kept_until(finished),
        progress_done=F("progress_total"),
    )


def failure_place(exc: BaseException) -> str:
    """Return "ExceptionClass at path.py:line in function": the innermost frame of the app's own code (a
    library's frame otherwise). No message and no values: they may quote patient data."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__qualname__
    root = str(settings.BASE_DIR) + "/"
    ours = [f for f in frames if f.filename.startswith(root) and "site-packages" not in f.filename]
    frame = (ours or frames)[-1]
    where = frame.filename.removeprefix(root) if ours else frame.filename.rsplit("/", 1)[-1]
    return f"{type(exc).__qualname__} at {where}:{frame.lineno} in {frame.name}"


def delete_expired_jobs(now=None) -> int:
    """Delete the jobs (and their results) whose time is up; return how many."""
    deleted, _ = Job.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
