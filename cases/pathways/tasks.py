"""The impact preview of a guideline draft, computed by the task worker (`manage.py db_worker`).

`guideline_versions.start_impact_preview` records what to compute (the draft's thresholds and the version in
force) and starts the job; the task below hands `compute_impact_preview` to `run_job`, which keeps the
progress for the page that follows it (cases/jobs).
"""

import json
import time

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from cases.jobs.models import Job
from cases.jobs.services import Progress, run_job
from cases.pathways import impact
from cases.pathways.engine import Guideline
from cases.pathways.models import GuidelineImpact, GuidelineImpactCase


def preview_guidelines(preview: GuidelineImpact) -> tuple[Guideline, Guideline]:
    """Return the (baseline, draft) guidelines exactly as PREVIEW recorded them."""
    baseline = Guideline(version=preview.baseline_name, **preview.baseline_thresholds)
    return baseline, Guideline(version=preview.version_name, **preview.version_thresholds)


def compute_impact_preview(preview: GuidelineImpact, progress: Progress) -> dict:
    """Compute PREVIEW: count, keep the cases that change, then the result; return the result.

    The cases are written range by range as they come; if the computation fails they are deleted again, so a
    preview has its cases only together with its result. Only a version's newest preview keeps its cases.
    """
    baseline, draft = preview_guidelines(preview)
    started = time.monotonic()

    def keep(changed: list[tuple[int, dict]]) -> None:
        GuidelineImpactCase.objects.bulk_create(
            [GuidelineImpactCase(impact=preview, case_id=pk, changes=changes) for pk, changes in changed]
        )

    today = timezone.localdate()
    try:
        tally = impact.compute(
            baseline,
            draft,
            today=today,
            progress=progress,
            on_changed=keep,
            processes=settings.GUIDELINE_IMPACT_PROCESSES,
        )
    except BaseException:
        GuidelineImpactCase.objects.filter(impact=preview).delete()
        raise
    result = {**tally.to_json(), "assessed_on": today.isoformat(), "seconds": round(time.monotonic() - started, 1)}
    with transaction.atomic():
        GuidelineImpact.objects.filter(pk=preview.pk).update(result=result, finished_at=timezone.now())
        older = GuidelineImpact.objects.filter(version=preview.version_id, created_at__lt=preview.created_at)
        GuidelineImpactCase.objects.filter(impact__in=older).delete()
    return result


def _preview_of_job(job: Job, progress: Progress) -> bytes:
    preview = GuidelineImpact.objects.get(public_id=job.subject_id)
    return json.dumps(compute_impact_preview(preview, progress)).encode()


@task
def compute_guideline_impact(job_id: str) -> None:
    run_job(job_id, _preview_of_job)
