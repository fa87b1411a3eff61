"""The real path of background work: a request queues a job in the database, `manage.py db_worker` (another
process) renders it with WeasyPrint, and the result waits in the database for whoever asked.

Transactional: the worker reads what these tests commit. PostgreSQL only (see ON_POSTGRESQL_ONLY)."""

import io
import re

import pypdf
import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cases.jobs.models import Job, JobStatus
from tests.jobs.live import DATABASE_QUEUE, ON_POSTGRESQL_ONLY, database_url_of_the_tests, run_queued_tasks
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.patients.factories import STAGE_IV, make_case, make_patient

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason=ON_POSTGRESQL_ONLY),
]


@pytest.fixture
def meeting(chair, clinician):
    meeting = make_meeting(chair, title="Worker board")
    signed(add_item(meeting), clinician, chair)  # stored at sign-off (by this process's stub renderer)
    record(add_item(meeting, make_case(patient=make_patient(family_name="Nagy"), **STAGE_IV)), clinician)
    return meeting


def start_pack(client, user, meeting) -> Job:
    client.force_login(user)
    with override_settings(TASKS=DATABASE_QUEUE):
        response = client.post(reverse("reports:meeting_pack", kwargs={"public_id": meeting.public_id}))
    assert response.status_code == 303
    return Job.objects.get()


def test_the_worker_renders_a_queued_draft_pack_and_keeps_it_for_whoever_asked(client, viewer, meeting):
    job = start_pack(client, viewer, meeting)
    assert job.status == JobStatus.QUEUED  # the request only queued it
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    worker = run_queued_tasks(database_url_of_the_tests(), "worker-under-test")
    assert worker.returncode == 0, worker.stderr
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert job.started_at <= job.finished_at
    queued = DBTaskResult.objects.get(id=job.task_id)
    assert (queued.status, queued.worker_ids) == ("SUCCESSFUL", ["worker-under-test"])
    pack = pypdf.PdfReader(io.BytesIO(bytes(job.result)))
    text = " ".join(" ".join(page.extract_text() for page in pack.pages).split())
    assert "Meeting outcome pack (DRAFT)" in text and "Worker board" in text  # WeasyPrint, in the worker
    assert "NAGY" in text
    download = client.get(reverse("jobs:download", kwargs={"public_id": job.public_id}))
    assert download.content == bytes(job.result)


def test_a_job_whose_work_fails_is_failed_in_the_queue_and_on_its_page(client, viewer, meeting):
    job = start_pack(client, viewer, meeting)
    Job.objects.filter(pk=job.pk).update(subject_id="00000000-0000-0000-0000-000000000000")  # the meeting is gone
    worker = run_queued_tasks(database_url_of_the_tests(), "worker-under-test")
    assert worker.returncode == 0, worker.stderr
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result is None
    assert re.fullmatch(r"Meeting\.DoesNotExist at cases/reports/tasks\.py:\d+ in _meeting_pack", job.error), job.error
    queued = DBTaskResult.objects.get(id=job.task_id)
    assert (queued.status, queued.exception_class_path) == ("FAILED", "cases.jobs.services.JobFailed")
    assert "The document could not be made." in client.get(job.get_absolute_url()).content.decode()
