"""Draft PDFs rendered by the task worker (`manage.py db_worker`), never in a request.

A signed decision's summary is stored at sign-off and served as it is; a draft (a case without a signed
decision, a pack with such cases) takes WeasyPrint about half a second a case, so it is a background job
(cases/jobs): these tasks take the job's id, render, and hand the PDF back to `run_job`, which keeps it
for whoever asked.
"""

from django.tasks import task

from cases.jobs.models import Job
from cases.jobs.services import Progress, run_job
from cases.meetings.models import Decision, Meeting
from cases.patients.models import Case
from cases.reports.summary import render_meeting_pack, summary_for_case, summary_for_decision


def _case_summary(job: Job, progress: Progress) -> bytes:
    progress(0, 1)
    return summary_for_case(Case.objects.select_related("patient").get(public_id=job.subject_id))


def _decision_summary(job: Job, progress: Progress) -> bytes:
    progress(0, 1)
    decision = Decision.objects.select_related("agenda_item__case__patient").get(public_id=job.subject_id)
    return summary_for_decision(decision)


def _meeting_pack(job: Job, progress: Progress) -> bytes:
    return render_meeting_pack(Meeting.objects.select_related("chair").get(public_id=job.subject_id), progress)


@task
def render_case_summary_draft(job_id: str) -> None:
    run_job(job_id, _case_summary)


@task
def render_decision_summary_draft(job_id: str) -> None:
    run_job(job_id, _decision_summary)


@task
def render_meeting_pack_draft(job_id: str) -> None:
    run_job(job_id, _meeting_pack)
