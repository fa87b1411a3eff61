"""The guideline in force, and the writes that change it: clone a version into a draft, save a draft, activate.

Only drafts change. An active or retired version is frozen, because assessments and signed decisions name
it: a decision made under 'seed-2018-default' must mean the same thresholds in 2030. The admin calls the
services below; each runs in one transaction and leaves a history record with the user who made it.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.tasks import Task
from django.urls import reverse
from django.utils import timezone

from cases.access import Action
from cases.jobs.models import JobKind, JobStatus
from cases.jobs.services import start_job
from cases.pathways.engine import Guideline
from cases.pathways.impact import cases_changed_since
from cases.pathways.kept import kept, stamp_column
from cases.pathways.models import THRESHOLDS, GuidelineImpact, GuidelineStatus, GuidelineVersion
from cases.specialties import DEFAULT_QUORUM, Specialty


class GuidelineLocked(ValidationError):
    """The version is active or retired (or no longer a draft); only drafts can be changed or activated."""


def _active_version(*, with_stamp: bool = False) -> GuidelineVersion | None:
    """Return the active version, or None when there is none (or the database has no content tables yet).

    WITH_STAMP: with the content stamp's token read in the same query (its `content_token`).
    """
    try:
        versions = GuidelineVersion.objects.filter(status=GuidelineStatus.ACTIVE)
        return (versions.annotate(content_token=stamp_column()) if with_stamp else versions).first()
    except DatabaseError:
        # A database that was never migrated (e.g. `manage.py recommend` in a fresh checkout) has no
        # content tables: the engine's built-in defaults apply. Any other database error is real.
        if GuidelineVersion._meta.db_table in connection.introspection.table_names():
            raise
        return None


def _load_active() -> tuple[str | None, tuple[Guideline, tuple[Specialty, ...]]]:
    version = _active_version(with_stamp=True)
    if version is None:
        return None, (Guideline(), DEFAULT_QUORUM)
    return version.content_token, (version.to_guideline(), version.quorum())


def active_content() -> tuple[Guideline, tuple[Specialty, ...]]:
    """Return the active version's thresholds and quorum; the engine's built-in defaults if none is active.

    Kept by the process while the content stamp holds (cases.pathways.kept): one small query per call. After an
    activation the very next evaluation uses the new version, in every process. Pages that assess many cases
    call this once and pass the result to ``assess``.
    """
    return kept("active guideline", _load_active)


def active_guideline() -> Guideline:
    """Return the active version's thresholds (active_content)."""
    return active_content()[0]


def active_quorum() -> tuple[Specialty, ...]:
    """Return the core specialties a meeting needs present, from the active version (active_content)."""
    return active_content()[1]


def _unused_name(base: str) -> str:
    name, n = base, 1
    while GuidelineVersion.objects.filter(name=name).exists():
        n += 1
        name = f"{base} ({n})"
    return name


def clone_version(source: GuidelineVersion, user, name: str | None = None) -> GuidelineVersion:
    """Create a draft with SOURCE's thresholds and quorum; any version (also a retired one) may be cloned."""
    with transaction.atomic():
        today = timezone.localdate()
        draft = GuidelineVersion(
            name=name or _unused_name(f"{source.name} draft {today:%Y-%m-%d}"),
            status=GuidelineStatus.DRAFT,
            effective_date=today,
            notes=f"Cloned from {source.name}.",
            quorum_specialties=list(source.quorum_specialties),
            created_by=user,
            **source.thresholds(),
        )
        draft.full_clean()
        draft._history_user = user
        draft._change_reason = f"Cloned from {source.name}"
        draft.save()
    # The reason belongs to this save only: simple-history would give it to the next save of the same object.
    del draft._change_reason
    return draft


def save_draft(version: GuidelineVersion, user) -> GuidelineVersion:
    """Validate and save the changes made to a draft; refuse (GuidelineLocked) if it is no longer a draft."""
    with transaction.atomic():
        if version.pk is not None:
            stored = GuidelineVersion.objects.select_for_update().get(pk=version.pk)
            if stored.status != GuidelineStatus.DRAFT or version.status != GuidelineStatus.DRAFT:
                raise GuidelineLocked(f"Version {stored.name!r} is {stored.status} and cannot be edited.")
        version.full_clean()
        version._history_user = user
        version.save()
    return version


def activate_version(draft: GuidelineVersion, user) -> GuidelineVersion:
    """Put DRAFT in force and retire the version it supersedes, in one transaction.

    From the commit on, every new assessment runs with DRAFT's thresholds and records its name. The impact
    preview that was current (if any) is marked as the one it was activated with, and the history says so.
    """
    with transaction.atomic():
        # Lock the draft and the current active version so two activations cannot interleave.
        locked = {v.pk: v for v in GuidelineVersion.objects.select_for_update().filter(pk=draft.pk)}
        current = list(GuidelineVersion.objects.select_for_update().filter(status=GuidelineStatus.ACTIVE))
        fresh = locked.get(draft.pk)
        if fresh is None or fresh.status != GuidelineStatus.DRAFT:
            status = fresh.status if fresh else "deleted"
            raise GuidelineLocked(f"Only a draft can be activated; {draft.name!r} is {status}.")
        fresh.full_clean()
        now = timezone.now()
        for old in current:
            old.status = GuidelineStatus.RETIRED
            old.retired_at = now
            old._history_user = user
            old._change_reason = f"Superseded by {fresh.name}"
            old.save(update_fields=["status", "retired_at", "updated_at"])
        preview = current_preview(fresh, current[0] if current else None)
        fresh.status = GuidelineStatus.ACTIVE
        fresh.activated_at = now
        fresh._history_user = user
        fresh._change_reason = "Activated"
        if preview is not None:
            GuidelineImpact.objects.filter(pk=preview.pk).update(activated_with=True)
            cases = preview.result["cases"]
            fresh._change_reason = (
                f"Activated; impact preview of {timezone.localtime(preview.finished_at):%Y-%m-%d %H:%M}: "
                f"{cases['changed']} of {cases['open']} open cases change"
            )
        fresh.save(update_fields=["status", "activated_at", "updated_at"])
    return fresh


# --- differences and impact previews ------------------------------------------------------------------------


def differences(draft: GuidelineVersion, active: GuidelineVersion | None) -> list[tuple[str, str, str]]:
    """Return (label, value in force, value in the draft) for every threshold and the quorum that differ."""
    if active is None:
        return []
    rows = []
    for name in THRESHOLDS:
        before, after = getattr(active, name), getattr(draft, name)
        if before != after:
            rows.append((str(GuidelineVersion._meta.get_field(name).verbose_name), f"{before:g}", f"{after:g}"))
    if active.quorum() != draft.quorum():
        rows.append(
            ("Core specialties for a quorum", specialty_labels(active.quorum()), specialty_labels(draft.quorum()))
        )
    return rows


def specialty_labels(specialties) -> str:
    return ", ".join(str(specialty.label) for specialty in specialties)


def builtin_thresholds() -> dict[str, int | float]:
    """Return the engine's built-in thresholds (what applies when no version is active)."""
    defaults = Guideline()
    return {name: getattr(defaults, name) for name in THRESHOLDS}


def current_preview(version: GuidelineVersion, active: GuidelineVersion | None) -> GuidelineImpact | None:
    """Return VERSION's newest finished preview made with its present thresholds against ACTIVE, if any."""
    for preview in version.impacts.filter(result__isnull=False).order_by("-finished_at", "-pk")[:20]:
        if _describes(preview, version, active):
            return preview
    return None


def _describes(preview: GuidelineImpact, version: GuidelineVersion, active: GuidelineVersion | None) -> bool:
    """Whether PREVIEW was made with VERSION's present thresholds against ACTIVE (the version now in force)."""
    baseline = active.thresholds() if active is not None else builtin_thresholds()
    return (
        preview.version_thresholds == version.thresholds()
        and preview.baseline_id == (active.pk if active else None)
        and preview.baseline_thresholds == baseline
    )


@dataclass(frozen=True)
class PreviewState:
    """The newest impact preview of a version and what it is worth now.

    ``state``: "none" (never previewed), "running", "failed", "current" (made with the thresholds the version
    and the version in force have now) or "stale" (``why`` says what changed since).
    """

    preview: GuidelineImpact | None
    state: str
    why: tuple[str, ...] = ()
    cases_changed_since: int = 0

    @property
    def is_current(self) -> bool:
        return self.state == "current"

    @property
    def is_stale(self) -> bool:
        return self.state == "stale"

    @property
    def is_running(self) -> bool:
        return self.state == "running"

    @property
    def is_failed(self) -> bool:
        return self.state == "failed"


def preview_state(version: GuidelineVersion, *, count_changed_cases: bool = False) -> PreviewState:
    """Return VERSION's preview to show: for a draft its newest one, judged against the version in force now;
    for an active or retired version the one it was activated with (else its newest finished one).

    COUNT_CHANGED_CASES also counts the cases added or changed since a current preview was asked for (a count
    over the cases table: for the pages that offer to compute it again, not for lists of drafts)."""
    if not version.is_editable:
        preview = version.impacts.filter(result__isnull=False).order_by("-activated_with", "-finished_at").first()
        return PreviewState(preview, "none" if preview is None else "current")
    active = _active_version()
    preview = version.impacts.select_related("job").first()
    if preview is None:
        return PreviewState(None, "none")
    if not preview.is_finished:
        job = preview.job
        if job is None or job.is_failed:
            return PreviewState(preview, "failed")
        return PreviewState(preview, "running")
    why = []
    if preview.version_thresholds != version.thresholds():
        why.append(f"The thresholds of {version.name} have changed since.")
    if preview.baseline_id != (active.pk if active else None):
        now = active.name if active else "the engine's built-in defaults"
        why.append(f"The version in force is now {now}, not {preview.baseline_name}.")
    if why:
        return PreviewState(preview, "stale", tuple(why))
    since = cases_changed_since(preview.created_at) if count_changed_cases else 0
    return PreviewState(preview, "current", cases_changed_since=since)


def start_impact_preview(draft: GuidelineVersion, user, task: Task):
    """Start computing what activating DRAFT would change: a background job running TASK; return the job.

    The preview records the draft's thresholds and the version in force now; the worker computes exactly
    those (cases.pathways.tasks). A preview of the same thresholds still being computed is returned instead
    of a second one. TASK is handed in because the task module builds on this one.
    """
    with transaction.atomic():
        draft = GuidelineVersion.objects.select_for_update().get(pk=draft.pk)
        if not draft.is_editable:
            raise GuidelineLocked(f"Version {draft.name!r} is {draft.status}: only a draft is previewed.")
        active = _active_version()
        unfinished = draft.impacts.filter(
            result__isnull=True, job__status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).select_related("job")
        for preview in unfinished:
            if _describes(preview, draft, active):
                return preview.job
        preview = GuidelineImpact.objects.create(
            version=draft,
            version_name=draft.name,
            version_thresholds=draft.thresholds(),
            baseline=active,
            baseline_name=active.name if active else Guideline().version,
            baseline_thresholds=active.thresholds() if active else builtin_thresholds(),
            requested_by=user,
        )
        job = start_job(
            task,
            kind=JobKind.GUIDELINE_IMPACT,
            subject=preview,
            user=user,
            title=f"Impact preview of {draft.name}",
            back_url=reverse("pathways:impact", kwargs={"pk": draft.pk}),
            filename=f"guideline-impact-{preview.public_id}.json",
            content_type="application/json",
            permission=Action.PREVIEW_GUIDELINE_IMPACT,
        )
        GuidelineImpact.objects.filter(pk=preview.pk).update(job=job)
    return job


@dataclass(frozen=True)
class LastChange:
    """The newest entry of a version's history: when, by whom, and which fields went from what to what."""

    at: object
    by: object
    reason: str
    changes: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class DraftOverview:
    """A draft as the content editor's dashboard shows it."""

    version: GuidelineVersion
    differences: list[tuple[str, str, str]]
    preview: PreviewState
    last_change: LastChange | None


def last_change(version: GuidelineVersion) -> LastChange | None:
    """Return the newest change of VERSION from its history, with the fields it changed (old → new)."""
    records = list(version.history.select_related("history_user").order_by("-history_date", "-history_id")[:2])
    if not records:
        return None
    newest, *older = records
    changes = ()
    if older:
        changes = tuple(
            (str(GuidelineVersion._meta.get_field(change.field).verbose_name), _shown(change.old), _shown(change.new))
            for change in newest.diff_against(older[0]).changes
        )
    return LastChange(newest.history_date, newest.history_user, newest.history_change_reason or "", changes)


def _shown(value) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value) if value not in (None, "") else "—"


DASHBOARD_DRAFTS = 10


def drafts_overview() -> tuple[list[DraftOverview], int]:
    """Return the most recently changed drafts (at most DASHBOARD_DRAFTS) for the dashboard, and how many
    drafts there are: what each changes, its impact preview, and its last change."""
    active = _active_version()
    drafts = GuidelineVersion.objects.filter(status=GuidelineStatus.DRAFT).order_by("-updated_at", "-pk")
    shown = list(drafts[:DASHBOARD_DRAFTS])
    total = len(shown) if len(shown) < DASHBOARD_DRAFTS else drafts.count()
    return [
        DraftOverview(draft, differences(draft, active), preview_state(draft), last_change(draft)) for draft in shown
    ], total


def previewed_drafts(limit: int = 5) -> list[GuidelineImpact]:
    """Return the newest finished preview of each of the most recently previewed drafts (at most LIMIT)."""
    previews = (
        GuidelineImpact.objects.filter(version__status=GuidelineStatus.DRAFT, result__isnull=False)
        .select_related("version")
        .order_by("-finished_at", "-pk")
    )
    newest: dict[int, GuidelineImpact] = {}
    for preview in previews[: limit * 4]:
        newest.setdefault(preview.version_id, preview)
    return list(newest.values())[:limit]
