"""The import of a checked file of patients, done by the task worker (`manage.py db_worker`).

Ten thousand rows take a few seconds in one transaction: not something a request should wait for. The
coordinator confirms on the import's page, which starts this job (cases/jobs); the job's result is a short
report of what was done (counts only, no patient data).
"""

from django.tasks import task

from cases.jobs.models import Job
from cases.jobs.services import Progress, run_job
from cases.patients.models import PatientImport
from cases.patients.services import import_patients


def _import(job: Job, progress: Progress) -> bytes:
    pending = PatientImport.objects.get(public_id=job.subject_id)
    progress(0, 1)
    done = import_patients(pending, job.requested_by)
    lines = [f"Patient import {pending.public_id}", *(f"{action}: {n}" for action, n in done.items())]
    return ("\n".join(lines) + "\n").encode()


@task
def import_checked_patients(job_id: str) -> None:
    run_job(job_id, _import)
