"""Fetch-or-403 for jobs: the only way views load them."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases.access import Action, can
from cases.jobs.models import Job


def get_job(user, public_id, *, with_result: bool = False) -> Job:
    """Return the job if USER asked for it and may still read its subject; 403 for anyone else; 404 once expired.

    A job's result is as confidential as its subject, and it was made for one person: someone else with
    the same role asks for their own (the same link then shows nothing of this one).
    """
    jobs = Job.objects.all() if with_result else Job.objects.defer("result")
    job = get_object_or_404(jobs, public_id=public_id, expires_at__gt=timezone.now())
    if job.requested_by_id != user.pk or not can(user, Action(job.permission)):
        raise PermissionDenied("Only the person who asked for this job may see it.")
    return job
