"""The impact preview shared out to worker processes counts exactly what one process counts.

Forked processes read the database on their own connections, so this needs a database they can reach:
PostgreSQL (the SQLite test database lives in this process's memory, where the preview stays in one process).
"""

import subprocess
import threading
from datetime import date

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from cases.jobs.models import JobStatus
from cases.pathways import impact
from cases.pathways.guideline_versions import start_impact_preview
from cases.pathways.models import GuidelineImpact, GuidelineImpactCase
from cases.pathways.tasks import compute_guideline_impact
from cases.patients.models import Case, Patient
from tests.jobs.live import DATABASE_QUEUE, database_url_of_the_tests, worker_command
from tests.meetings.factories import add_item, make_meeting, signed
from tests.pathways.impact_cases import BILOBAR_80, hand_counted_cases, make_draft, restore_seed_guideline, seed_version
from tests.patients.factories import make_case
from tests.security.servers import ROOT, clean_env

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes need a shared database"),
]


@pytest.fixture(autouse=True)
def seed_guideline(transactional_db) -> None:
    restore_seed_guideline()


def test_processes_count_what_one_process_counts(content_editor, clinician, chair):
    cases = hand_counted_cases()
    signed(add_item(make_meeting(chair), case=make_case(**BILOBAR_80)), clinician, chair)
    baseline, draft = seed_version().to_guideline(), make_draft(content_editor).to_guideline()
    today = cases["stage_iv"].referral_date
    changed_alone, changed_shared = [], []

    if threading.active_count() > 1:
        pytest.skip("a fork needs a single-threaded process: an earlier test's live server thread runs here")
    assert impact.can_fork()
    alone = impact.compute(baseline, draft, today=today, range_size=2, on_changed=changed_alone.extend)
    shared = impact.compute(baseline, draft, today=today, range_size=2, processes=2, on_changed=changed_shared.extend)

    assert shared.to_json() == alone.to_json()
    assert sorted(changed_shared) == sorted(changed_alone) and len(changed_alone) == 3
    assert shared.to_json()["signed_decisions"]["newly_departing"] == 1


def test_the_task_worker_computes_a_queued_preview_in_two_processes(content_editor):
    """As in production: the page queues the job, `manage.py db_worker` forks two processes for the ranges."""
    hand_counted_cases()
    patients = Patient.objects.bulk_create(
        [
            Patient(
                hospital_number=f"W{n:05d}",
                family_name="Worker",
                given_name="Test",
                date_of_birth=date(1960, 1, 1),
                sex="male",
            )
            for n in range(impact.RANGE_SIZE + 200)
        ]
    )
    Case.objects.bulk_create(
        [Case(patient=p, referral_date=date(2026, 10, 1), referring_clinician="Dr", question="?") for p in patients]
    )
    draft = make_draft(content_editor)
    with override_settings(TASKS=DATABASE_QUEUE):
        job = start_impact_preview(draft, content_editor, compute_guideline_impact)
    assert job.status == JobStatus.QUEUED

    worker = subprocess.run(
        worker_command("impact-worker", "--batch"),
        cwd=ROOT,
        env=clean_env(DATABASE_URL=database_url_of_the_tests(), GUIDELINE_IMPACT_PROCESSES="2", LOG_LEVEL="INFO"),
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert worker.returncode == 0, worker.stderr
    assert f"{impact.RANGE_SIZE + 207} open cases in 2 ranges, in 2 worker processes" in worker.stderr
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    result = GuidelineImpact.objects.get(job=job).result
    expected = impact.compute(seed_version().to_guideline(), draft.to_guideline(), today=timezone.localdate())
    assert {key: result[key] for key in ("cases", "options", "staging", "signed_decisions")} == expected.to_json()
    assert result["cases"] == {
        "open": impact.RANGE_SIZE + 207,
        "assessed": impact.RANGE_SIZE + 206,
        "not_assessable": 1,
        "changed": 2,
    }
    assert GuidelineImpactCase.objects.filter(impact__job=job).count() == 2


def test_no_fork_while_another_thread_runs():
    """A child forked beside a running thread may inherit a lock that thread held, and wait on it forever."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not impact.can_fork()
    finally:
        stop.set()
        thread.join()
