"""The guideline in force, and the writes that change it: clone a version into a draft, save a draft, activate.

Only drafts change. An active or retired version is frozen, because assessments and signed decisions name
it: a decision made under 'seed-2018-default' must mean the same thresholds in 2030. The admin calls the
services below; each runs in one transaction and leaves a history record with the user who made it.
"""

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cases.pathways.engine import Guideline
from cases.pathways.models import GuidelineStatus, GuidelineVersion
from cases.specialties import DEFAULT_QUORUM, Specialty


class GuidelineLocked(ValidationError):
    """The version is active or retired (or no longer a draft); only drafts can be changed or activated."""


def _active_version() -> GuidelineVersion | None:
    """Return the active version, or None when there is none (or the database has no content tables yet)."""
    try:
        return GuidelineVersion.objects.filter(status=GuidelineStatus.ACTIVE).first()
    except DatabaseError:
        # A database that was never migrated (e.g. `manage.py recommend` in a fresh checkout) has no
        # content tables: the engine's built-in defaults apply. Any other database error is real.
        if GuidelineVersion._meta.db_table in connection.introspection.table_names():
            raise
        return None


def active_guideline() -> Guideline:
    """Return the active version's thresholds (one query); the engine's built-in defaults if none exists.

    Not cached across requests: after an activation the very next evaluation must use the new version, in
    every worker process. Pages that assess many cases call this once and pass the result to ``assess``.
    """
    version = _active_version()
    return version.to_guideline() if version else Guideline()


def active_quorum() -> tuple[Specialty, ...]:
    """Return the core specialties a meeting needs present, from the active version (one query)."""
    version = _active_version()
    return version.quorum() if version else DEFAULT_QUORUM


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

    From the commit on, every new assessment runs with DRAFT's thresholds and records its name.
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
        fresh.status = GuidelineStatus.ACTIVE
        fresh.activated_at = now
        fresh._history_user = user
        fresh._change_reason = "Activated"
        fresh.save(update_fields=["status", "activated_at", "updated_at"])
    return fresh
