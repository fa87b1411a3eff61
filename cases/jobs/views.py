"""A background job's page: its progress while it runs (polled by htmx, refreshed without JS), then its result.

`job_started` is how a feature's view answers the request that started a job: the job's page, or for
htmx the progress partial swapped in where the user clicked.
"""

from datetime import timedelta

from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect

from cases.audit.log import record_access
from cases.audit.models import AccessAction
from cases.downloads import attachment
from cases.htmx import HtmxHttpRequest
from cases.jobs.access import get_job
from cases.jobs.models import Job

# Past these the page says the worker may not be running (queued) or may have stopped (running).
QUEUED_TOO_LONG = timedelta(seconds=30)
RUNNING_TOO_LONG = timedelta(minutes=10)


def progress_context(job: Job) -> dict:
    now = timezone.now()
    return {
        "job": job,
        "percent": round(100 * job.progress_done / job.progress_total) if job.progress_total else 0,
        "waiting_long": job.is_queued and now - job.created_at > QUEUED_TOO_LONG,
        "running_long": job.is_running and job.started_at is not None and now - job.started_at > RUNNING_TOO_LONG,
    }


def job_started(request: HtmxHttpRequest, job: Job):
    """Answer the request that started JOB: its progress partial for htmx, otherwise its page (303).

    A job whose result is shown on a page and that is done already (tasks run at once) leads there.
    """
    if job.is_done and job.is_shown_on_page:
        return _to_result_page(request, job)
    if request.htmx:
        return render(request, "jobs/job.html#progress", progress_context(job))
    return HttpResponseRedirect(job.get_absolute_url(), status=303)


@require_GET
def job_detail(request: HtmxHttpRequest, public_id):
    """The job's progress, then its download; htmx polls for the progress partial alone."""
    job = get_job(request.user, public_id)
    if request.htmx and job.is_done and job.is_shown_on_page:
        # The poll that sees the job done takes the user to the page that shows its result.
        return HttpResponseClientRedirect(job.back_url)
    template = "jobs/job.html#progress" if request.htmx else "jobs/job.html"
    return render(request, template, progress_context(job))


def _to_result_page(request: HtmxHttpRequest, job: Job):
    if request.htmx:
        return HttpResponseClientRedirect(job.back_url)
    return HttpResponseRedirect(job.back_url, status=303)


@require_GET
def job_download(request, public_id):
    """The job's result, recorded in the access log as a download of the job's subject.

    Every kind downloaded is a PDF so far; a kind with another result brings its own access action. A
    result shown on a page (a guideline impact preview) is read there.
    """
    job = get_job(request.user, public_id, with_result=True)
    if not job.is_done:
        return redirect(job.get_absolute_url())
    if job.is_shown_on_page:
        return redirect(job.back_url)
    response = attachment(bytes(job.result), job.filename, job.content_type)
    record_access(request, AccessAction.PDF_DOWNLOAD, (job.subject_type, job.subject_id), status_code=200)
    return response
