"""Background jobs (cases/jobs): a draft PDF is asked for, made by a task, followed on its page and downloaded
by the one who asked, and deleted when its time is up. Tasks run at once here (tests/conftest.py);
tests/jobs/test_db_worker.py runs them in the real worker."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cases.access import Role
from cases.audit.models import AccessAction, AccessLog
from cases.jobs.models import Job, JobKind, JobStatus
from cases.jobs.services import JobFailed, run_job, start_job
from cases.reports.summary import render_meeting_pack
from cases.reports.tasks import render_case_summary_draft
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.patients.factories import STAGE_IV, make_case, make_patient

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def meeting(chair, clinician):
    meeting = make_meeting(chair, title="Thursday NET board")
    signed(add_item(meeting), clinician, chair)
    record(add_item(meeting, make_case(patient=make_patient(family_name="Kovacs"), **STAGE_IV)), clinician)
    return meeting


def pack_url(meeting) -> str:
    return reverse("reports:meeting_pack", kwargs={"public_id": meeting.public_id})


def queued_job(user, subject, **extra) -> Job:
    """A job in the database queue that no worker has taken yet."""
    values = {"kind": JobKind.CASE_SUMMARY, "title": "Draft", "back_url": "/", "filename": "draft.pdf"}
    with override_settings(TASKS=DATABASE_QUEUE):
        return start_job(render_case_summary_draft, subject=subject, user=user, **(values | extra))


def test_a_draft_pack_is_made_in_the_background_and_downloaded_by_whoever_asked(client, viewer, meeting):
    client.force_login(viewer)
    response = client.post(pack_url(meeting))
    job = Job.objects.get()
    assert response.status_code == 303
    assert response["Location"] == job.get_absolute_url()
    assert (job.kind, job.requested_by, job.subject_type, job.subject_id) == (
        JobKind.MEETING_PACK,
        viewer,
        "meetings.meeting",
        meeting.public_id,
    )
    assert job.status == JobStatus.DONE
    assert (job.progress_done, job.progress_total) == (2, 2)  # the cover and the one draft
    assert job.expires_at == job.finished_at + timedelta(hours=24)
    page = client.get(job.get_absolute_url())
    assert "Ready: mdt-outcome-pack-" in page.content.decode()
    download = client.get(reverse("jobs:download", kwargs={"public_id": job.public_id}))
    assert download.status_code == 200
    assert download.content == bytes(job.result) and download.content.startswith(b"%PDF")
    assert download["Content-Disposition"] == f'attachment; filename="mdt-outcome-pack-{meeting.public_id}.pdf"'
    assert "no-store" in download["Cache-Control"]
    entry = AccessLog.objects.get(action=AccessAction.PDF_DOWNLOAD)
    assert (entry.user, entry.object_type, entry.object_id) == (viewer, "meetings.meeting", meeting.public_id)


def test_the_pack_made_in_the_background_is_the_pack_itself(client, viewer, meeting):
    client.force_login(viewer)
    client.post(pack_url(meeting))
    assert bytes(Job.objects.get().result) == render_meeting_pack(meeting)  # the stub PDF is deterministic


def test_opening_a_draft_pack_asks_first_and_starts_nothing(client, viewer, meeting):
    client.force_login(viewer)
    response = client.get(pack_url(meeting))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert f'<form method="post" action="{pack_url(meeting)}"' in response.content.decode()
    assert not Job.objects.exists()
    assert not AccessLog.objects.filter(action=AccessAction.PDF_DOWNLOAD).exists()


def test_a_signed_summary_is_served_at_once_and_never_becomes_a_job(client, viewer, chair, clinician):
    decision = signed(add_item(make_meeting(chair)), clinician, chair)
    url = reverse("reports:decision_summary", kwargs={"public_id": decision.public_id})
    client.force_login(viewer)
    response = client.post(url)
    assert (response.status_code, response["Location"]) == (303, url)
    assert client.get(url).content == bytes(decision.stored_summary.pdf)
    htmx = client.post(url, headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == url
    assert not Job.objects.exists()


def test_with_htmx_the_progress_is_swapped_in_where_the_user_clicked(client, viewer):
    case = make_case(**STAGE_IV)
    client.force_login(viewer)
    response = client.post(
        reverse("reports:case_summary", kwargs={"public_id": case.public_id}), headers={"HX-Request": "true"}
    )
    job = Job.objects.get()
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<div class="job" id="job-{job.public_id}"')
    assert "<html" not in html
    assert reverse("jobs:download", kwargs={"public_id": job.public_id}) in html


def test_a_waiting_job_polls_with_htmx_and_refreshes_itself_without_javascript(client, viewer):
    job = queued_job(viewer, make_case(**STAGE_IV))
    client.force_login(viewer)
    html = client.get(job.get_absolute_url()).content.decode()
    assert "Waiting for the task worker" in html
    assert f'hx-get="{job.get_absolute_url()}" hx-trigger="every 1s"' in html
    assert f'<a href="{job.get_absolute_url()}">Refresh</a>' in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert "download" not in html.lower().split("<main", 1)[1]


def test_a_running_job_shows_how_far_it_is(client, viewer):
    job = queued_job(viewer, make_case(**STAGE_IV))
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress_done=7, progress_total=21
    )
    client.force_login(viewer)
    partial = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "Rendering: 7 of 21 documents done" in partial
    assert 'value="7" max="21"' in partial
    assert "hx-trigger" in partial


def test_a_finished_job_stops_polling(client, viewer):
    client.force_login(viewer)
    client.post(reverse("reports:case_summary", kwargs={"public_id": make_case(**STAGE_IV).public_id}))
    html = client.get(Job.objects.get().get_absolute_url()).content.decode()
    assert "hx-trigger" not in html and "http-equiv" not in html


def test_a_job_waiting_long_says_the_worker_may_not_be_running(client, viewer):
    job = queued_job(viewer, make_case(**STAGE_IV))
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    client.force_login(viewer)
    assert "the task worker may not be running" in client.get(job.get_absolute_url()).content.decode()


def test_a_second_click_while_the_job_waits_starts_no_second_job(viewer):
    case = make_case(**STAGE_IV)
    first = queued_job(viewer, case)
    again = queued_job(viewer, case)
    assert again.pk == first.pk
    assert Job.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert first.task_id == str(DBTaskResult.objects.get().id)


def test_someone_else_with_the_same_role_cannot_see_or_download_my_job(client, viewer, make_user):
    job = queued_job(viewer, make_case(**STAGE_IV))
    run_job(str(job.public_id), lambda job, progress: b"%PDF-draft")
    other = make_user("viewer2", Role.VIEWER)
    client.force_login(other)
    assert client.get(job.get_absolute_url()).status_code == 403
    assert client.get(reverse("jobs:download", kwargs={"public_id": job.public_id})).status_code == 403
    assert not AccessLog.objects.filter(action=AccessAction.PDF_DOWNLOAD).exists()
    assert AccessLog.objects.filter(action=AccessAction.REFUSED, user=other).count() == 2


def test_the_one_who_asked_loses_the_result_with_their_role(client, viewer):
    job = queued_job(viewer, make_case(**STAGE_IV))
    run_job(str(job.public_id), lambda job, progress: b"%PDF-draft")
    viewer.groups.remove(Group.objects.get(name=Role.VIEWER))
    client.force_login(viewer)
    assert client.get(reverse("jobs:download", kwargs={"public_id": job.public_id})).status_code == 403


def test_the_download_of_an_unfinished_job_leads_back_to_its_page(client, viewer):
    job = queued_job(viewer, make_case(**STAGE_IV))
    client.force_login(viewer)
    response = client.get(reverse("jobs:download", kwargs={"public_id": job.public_id}))
    assert (response.status_code, response["Location"]) == (302, job.get_absolute_url())
    assert not AccessLog.objects.filter(action=AccessAction.PDF_DOWNLOAD).exists()


def test_work_that_fails_marks_the_job_failed_without_keeping_what_it_said(client, viewer):
    patient = make_patient(family_name="Szabo", hospital_number="H123987")
    job = queued_job(viewer, make_case(patient=patient, **STAGE_IV))

    def work(job, progress):
        raise ValueError(f"cannot render {patient.family_name} {patient.hospital_number}")

    with pytest.raises(JobFailed) as failure:
        run_job(str(job.public_id), work)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result is None and job.finished_at is not None
    assert job.error.startswith("ValueError at tests/jobs/test_background_jobs.py:")
    assert job.error.endswith(" in work")
    for leaked in ("Szabo", "H123987"):
        assert leaked not in job.error and leaked not in str(failure.value)
    client.force_login(viewer)
    assert "The document could not be made." in client.get(job.get_absolute_url()).content.decode()


def test_a_job_is_run_once_even_if_the_queue_hands_it_out_twice(viewer):
    job = queued_job(viewer, make_case(**STAGE_IV))
    runs = []
    run_job(str(job.public_id), lambda job, progress: runs.append(1) or b"%PDF-1")
    run_job(str(job.public_id), lambda job, progress: runs.append(2) or b"%PDF-2")
    job.refresh_from_db()
    assert runs == [1] and bytes(job.result) == b"%PDF-1"


def test_the_pack_reports_progress_after_each_draft_and_the_cover(chair, clinician, viewer):
    meeting = make_meeting(chair)
    signed(add_item(meeting), clinician, chair)
    for _ in range(3):
        record(add_item(meeting), clinician)
    seen = []
    render_meeting_pack(meeting, lambda done, total: seen.append((done, total)))
    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


def test_the_job_page_shows_the_progress_the_worker_wrote(client, viewer, chair, clinician):
    meeting = make_meeting(chair)
    record(add_item(meeting), clinician)
    job = queued_job(viewer, meeting, kind=JobKind.MEETING_PACK)
    client.force_login(viewer)
    pages = []

    def work(job, progress):
        progress(1, 2)
        pages.append(client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode())
        return b"%PDF-pack"

    run_job(str(job.public_id), work)
    assert "Rendering: 1 of 2 documents done" in pages[0]


def test_expired_jobs_are_gone_and_deleted_by_the_command_and_by_the_next_job(client, viewer):
    case = make_case(**STAGE_IV)
    old = queued_job(viewer, case)
    run_job(str(old.public_id), lambda job, progress: b"%PDF-old")
    Job.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(viewer)
    assert client.get(old.get_absolute_url()).status_code == 404
    assert client.get(reverse("jobs:download", kwargs={"public_id": old.public_id})).status_code == 404
    fresh = queued_job(viewer, make_case(**STAGE_IV))
    assert list(Job.objects.values_list("pk", flat=True)) == [fresh.pk]
    Job.objects.filter(pk=fresh.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    out = io.StringIO()
    call_command("delete_expired_jobs", stdout=out)
    assert not Job.objects.exists()
    assert out.getvalue().startswith("deleted 1 expired job(s)")


def test_the_command_also_deletes_finished_queue_entries_past_the_same_time(viewer):
    job = queued_job(viewer, make_case(**STAGE_IV))
    entry = DBTaskResult.objects.get(id=job.task_id)
    entry.set_successful(None)
    DBTaskResult.objects.filter(pk=entry.pk).update(finished_at=timezone.now() - timedelta(hours=23))
    call_command("delete_expired_jobs", stdout=io.StringIO())
    assert DBTaskResult.objects.exists()
    DBTaskResult.objects.filter(pk=entry.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    call_command("delete_expired_jobs", stdout=io.StringIO())
    assert not DBTaskResult.objects.exists()


def test_the_database_refuses_a_progress_past_its_end_and_a_ready_job_without_a_result(viewer):
    job = queued_job(viewer, make_case(**STAGE_IV))
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.filter(pk=job.pk).update(progress_done=3, progress_total=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE)


def test_a_refused_request_starts_no_job(client, content_editor, meeting):
    client.force_login(content_editor)
    assert client.post(pack_url(meeting)).status_code == 403
    assert not Job.objects.exists()
