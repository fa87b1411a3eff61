"""Writes of the pathway: saving one step's findings under optimistic locking, and confirming a case ready
for the board."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from cases.pathways.engine import (
    Assessment,
    CaseFacts,
    FactsError,
    Guideline,
    evaluate,
    facts_from_dict,
    missing_workup,
    stage_case,
)
from cases.pathways.forms import cross_field_errors
from cases.pathways.guideline_versions import active_guideline
from cases.pathways.readiness import readiness, work_up_complete
from cases.pathways.steps import Step
from cases.patients.models import Case, CaseStatus
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


class NotReady(Exception):
    """The case cannot be confirmed ready for the board (work-up incomplete, or findings changed); nothing changed."""

    def __init__(self, message: str, current: Case) -> None:
        super().__init__(message)
        self.message = message
        self.case = current


def save_step(case: Case, step: Step, values: dict, loaded_version: int, user, note: str = "") -> Case:
    """Save STEP's VALUES on CASE in one transaction and return the updated case.

    Raises StepConflict when the same step was saved by someone else after `loaded_version` (their
    values are on the returned exception's case), StepInvalid when the combination with the current
    findings is contradictory. Saves to *other* steps in between are not conflicts. A case confirmed
    ready whose work-up the new values leave incomplete goes back to draft, in the same transaction;
    NOTE (confirmed unusual values) goes into the history record.
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
        fields = [*values, "version", "step_versions", "updated_at"]
        if current.status == CaseStatus.READY and not work_up_complete(current, assess(current)):
            current.status = CaseStatus.DRAFT
            fields.append("status")
        if note:
            current._change_reason = f"Confirmed unusual: {note}"[:100]
        current.save(update_fields=fields)
    return current


def confirm_ready(case: Case, loaded_version: int, user) -> Case:
    """Mark CASE ready for the board: the coordinator's one-click confirmation of a complete work-up.

    Raises NotReady when the findings changed since the page was loaded (look again) or the work-up is not
    complete. The history record names who confirmed it.
    """
    with transaction.atomic():
        current = Case.objects.select_for_update(of=("self",)).select_related("patient").get(pk=case.pk)
        if current.version != loaded_version:
            raise NotReady("The findings changed while the page was open: look at them again, then confirm.", current)
        state = readiness(current, assess(current))
        if state.is_ready:
            return current
        if not state.may_confirm:
            raise NotReady(f"{state.label}: it cannot be confirmed ready for the board.", current)
        current.status = CaseStatus.READY
        current._change_reason = f"Confirmed ready for the board by {display_name(user)}"[:100]
        current.save(update_fields=["status", "updated_at"])
    return current


@dataclass(frozen=True)
class CaseAssessment:
    """The engine's assessment of a case, or the reasons the stored findings cannot be assessed."""

    assessment: Assessment | None
    errors: tuple[str, ...] = ()

    @property
    def missing_workup(self) -> tuple[str, ...]:
        """Return the work-up the engine finds missing (none when the findings cannot be assessed)."""
        return tuple(self.assessment.missing_workup) if self.assessment is not None else ()


# The engine is a pure function of the facts and the thresholds (no clock, no database, no settings), and the
# same cases come back request after request: the next step, meeting mode, the meeting page at every change of
# its agenda, the dashboard. Each process remembers its last answers, keyed by the facts as `Case.to_facts`
# gives them, each value with its type (1 and True, or 5 and 5.0, are equal, but one of them may be refused),
# never by the case: a changed finding, another day (the age is a fact) or another guideline version is another
# key, and nothing is ever stale. Contradictory facts raise FactsError, which is never remembered (lru_cache
# keeps no exception): its messages quote the values as typed. The answers are immutable (frozen dataclasses).
ASSESSMENTS_REMEMBERED = 512
WORKUPS_REMEMBERED = 2048


def facts_key(facts: dict) -> tuple:
    """Return FACTS (the engine's JSON groups, `Case.to_facts`) as a key: (group, ((name, type, value), ...))."""
    return tuple(
        (group, tuple((name, type(value), value) for name, value in values.items())) for group, values in facts.items()
    )


def _parsed(key: tuple) -> CaseFacts:
    return facts_from_dict({group: {name: value for name, _type, value in values} for group, values in key})


@lru_cache(maxsize=ASSESSMENTS_REMEMBERED)
def evaluated(key: tuple, guideline: Guideline) -> Assessment:
    """Return the engine's assessment of the facts of KEY (`facts_key`) under GUIDELINE; FactsError if they
    contradict each other."""
    return evaluate(_parsed(key), guideline)


def assess(case: Case, guideline: Guideline | None = None, on: date | None = None) -> CaseAssessment:
    """Evaluate CASE under GUIDELINE (default: the active one), the patient's age taken ON the day of the board
    (default: today). Pages that assess many cases fetch the guideline once and pass it in."""
    guideline = guideline or active_guideline()  # fetched either way: a constant number of queries
    try:
        return CaseAssessment(evaluated(facts_key(case.to_facts(today=on)), guideline))
    except FactsError as exc:
        # Only possible for rows changed outside the app's forms; show it instead of failing.
        return CaseAssessment(None, exc.errors)


@dataclass(frozen=True)
class WorkupAssessment:
    """What a list of cases shows of each one: the work-up still missing, or why its findings cannot be assessed."""

    missing_workup: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


def assess_workup(case: Case, guideline: Guideline | None = None, on: date | None = None) -> WorkupAssessment:
    """Return CASE's missing work-up as `assess` would, without weighing every option.

    The agenda and the dashboard show only this for each case, and a meeting page lists up to a hundred
    cases. Weighing the options is nearly all of an evaluation (measured: staging and work-up 0.04 ms,
    `evaluate` 1.3 ms; reading the facts 0.4 ms either way). The answer depends on nothing but the facts
    (the age ON the day among them) and the guideline, so the process remembers it (as `evaluated`).
    """
    guideline = guideline or active_guideline()
    try:
        return WorkupAssessment(missing_workup=_missing_workup(facts_key(case.to_facts(today=on)), guideline))
    except FactsError as exc:
        return WorkupAssessment(errors=exc.errors)


@lru_cache(maxsize=WORKUPS_REMEMBERED)
def _missing_workup(key: tuple, guideline: Guideline) -> tuple[str, ...]:
    """Return the work-up missing for the facts of KEY (`facts_key`) under GUIDELINE; FactsError if they
    contradict each other."""
    parsed = _parsed(key)
    missing, _notes = missing_workup(parsed, stage_case(parsed, guideline).grade)
    return tuple(missing)
