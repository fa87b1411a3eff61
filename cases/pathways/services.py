"""Writes of the pathway: saving one step's findings under optimistic locking."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cases.pathways.engine import (
    Assessment,
    FactsError,
    Guideline,
    evaluate,
    facts_from_dict,
    missing_workup,
    stage_case,
)
from cases.pathways.forms import cross_field_errors
from cases.pathways.guideline_versions import active_guideline
from cases.pathways.steps import Step
from cases.patients.models import Case
from cases.people import display_name


class StepConflict(Exception):
    """Someone else saved the same step after this form was loaded; nothing was saved."""

    def __init__(self, case: Case, record: dict) -> None:
        super().__init__(f"step saved by {record.get('by')} at version {record.get('version')}")
        self.case = case
        self.saved_by = record.get("by", "someone else")
        self.saved_at = record.get("at")


class StepInvalid(Exception):
    """The step's values contradict findings someone else saved meanwhile; nothing was saved."""

    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def save_step(case: Case, step: Step, values: dict, loaded_version: int, user) -> Case:
    """Save STEP's VALUES on CASE in one transaction and return the updated case.

    Raises StepConflict when the same step was saved by someone else after `loaded_version` (their
    values are on the returned exception's case), StepInvalid when the combination with the current
    findings is contradictory. Saves to *other* steps in between are not conflicts.
    """
    with transaction.atomic():
        current = Case.objects.select_for_update(of=("self",)).select_related("patient").get(pk=case.pk)
        record = current.step_versions.get(step.slug)
        if record and record["version"] > loaded_version:
            raise StepConflict(current, record)
        errors = cross_field_errors(current, values)
        if errors:
            raise StepInvalid(errors)
        for name, value in values.items():
            setattr(current, name, value)
        current.version += 1
        current.step_versions = {
            **current.step_versions,
            step.slug: {
                "version": current.version,
                "by": display_name(user),
                "at": timezone.now().isoformat(timespec="seconds"),
            },
        }
        current.save(update_fields=[*values, "version", "step_versions", "updated_at"])
    return current


@dataclass(frozen=True)
class CaseAssessment:
    """The engine's assessment of a case, or the reasons the stored findings cannot be assessed."""

    assessment: Assessment | None
    errors: tuple[str, ...] = ()


def assess(case: Case, guideline: Guideline | None = None) -> CaseAssessment:
    """Evaluate CASE under GUIDELINE (default: the active one). Pages that assess many cases fetch the
    guideline once and pass it in."""
    guideline = guideline or active_guideline()  # fetched either way: a constant number of queries
    try:
        facts = facts_from_dict(case.to_facts())
    except FactsError as exc:
        # Only possible for rows changed outside the app's forms; show it instead of failing.
        return CaseAssessment(None, exc.errors)
    return CaseAssessment(evaluate(facts, guideline))


@dataclass(frozen=True)
class WorkupAssessment:
    """What a list of cases shows of each one: the work-up still missing, or why its findings cannot be assessed."""

    missing_workup: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


def assess_workup(case: Case, guideline: Guideline | None = None) -> WorkupAssessment:
    """Return CASE's missing work-up as `assess` would, without weighing every option.

    The agenda and the dashboard show only this for each case, and a meeting page lists up to a hundred
    cases. Weighing the options is nearly all of an evaluation (measured: staging and work-up 0.04 ms,
    `evaluate` 1.3 ms; reading the facts 0.4 ms either way).
    """
    guideline = guideline or active_guideline()
    try:
        facts = facts_from_dict(case.to_facts())
    except FactsError as exc:
        return WorkupAssessment(errors=exc.errors)
    missing, _notes = missing_workup(facts, stage_case(facts, guideline).grade)
    return WorkupAssessment(missing_workup=missing)
