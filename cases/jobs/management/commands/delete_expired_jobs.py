"""`manage.py delete_expired_jobs`: delete background jobs past their time, with their results.

A job's result (a draft PDF) is a copy of patient data, kept `JOB_RESULT_HOURS` (default 24) after it was
made. Every new job deletes expired ones too; schedule this command (hourly or daily, like clearsessions)
so that nothing outlives its time on a quiet day. The queue's own finished entries (a job's id, the
outcome, for a failure the place it failed) are deleted after the same time.
"""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.jobs.services import delete_expired_jobs


class Command(BaseCommand):
    help = "Delete background jobs and their results (draft PDFs) once JOB_RESULT_HOURS have passed."

    def handle(self, *args, **options):
        now = timezone.now()
        jobs = delete_expired_jobs(now)
        queued = 0
        if apps.is_installed("django_tasks_db"):
            from django_tasks_db.models import DBTaskResult

            cutoff = now - timedelta(hours=settings.JOB_RESULT_HOURS)
            queued, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
        self.stdout.write(f"deleted {jobs} expired job(s) and {queued} finished queue entry(ies)")
