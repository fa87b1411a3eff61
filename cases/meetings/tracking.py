"""Implementation tracking (issue 20): what became of each treatment the board decided on.

Every option a signed decision accepted or modified is a planned treatment (a current DecidedOption with a
status). Coordinators, clinicians and chairs record whether it was done, not done or changed, the date it
happened and, when it was not done or changed, the coded reason (with the details, required for "other").
These fields are not part of the signed record: they change afterwards, each change in the row's history
(django-simple-history, with the user) and guarded by the row's lock version, so that two people updating
the same treatment never overwrite each other silently.

A treatment that was changed or not done can be brought back to the board: the case goes onto the next
planned meeting's agenda and is marked ready, as a decision that asks for re-discussion does.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cases.meetings import services
from cases.meetings.models import (
    ActionProgress,
    AgendaItem,
    DecidedOption,
    Decision,
    DecisionStatus,
    DepartureCause,
    FollowUpAction,
    ImplementationStatus,
    Meeting,
    MeetingStatus,
)
from cases.patients.models import Case, CaseStatus
from cases.people import display_name

# Statuses that say the board's plan was not carried out as decided: they need a coded reason.
NEEDS_CAUSE = {ImplementationStatus.NOT_DONE, ImplementationStatus.CHANGED}
# Statuses whose date is the day it happened (a planned treatment has not happened yet).
DATED = {ImplementationStatus.DONE, ImplementationStatus.NOT_DONE, ImplementationStatus.CHANGED}
# The same, as the list the partial index decided_option_undated is defined with (its condition and the query's
# must read alike for the database to use it).
UNDATED_STATUSES = ["done", "not_done", "changed"]


class TreatmentConflict(Exception):
    """Someone updated the treatment after this form was loaded; nothing was saved."""

    def __init__(self, current: DecidedOption) -> None:
        super().__init__(f"treatment updated meanwhile (now lock version {current.lock_version})")
        self.current = current


class TrackingError(Exception):
    """The treatment cannot be tracked (no longer current, or an option the board rejected); nothing changed."""


@dataclass(frozen=True)
class TreatmentUpdate:
    """What a coordinator recorded of a planned treatment, as parsed by the form."""

    status: str
    happened_on: date | None = None
    cause: str = ""
    cause_text: str = ""


def treatment_errors(row: DecidedOption, update: TreatmentUpdate, today: date) -> dict[str, list[str]]:
    """Return what is wrong with UPDATE of ROW, by field (empty: nothing), as of TODAY (the local date)."""
    errors: dict[str, list[str]] = {}
    if update.status not in ImplementationStatus.values:
        allowed = ", ".join(f'"{label}"' for label in ImplementationStatus.labels)
        errors["status"] = [f"Choose one of {allowed}."]
        return errors
    status = ImplementationStatus(update.status)
    if update.happened_on is not None:
        if status not in DATED:
            errors["happened_on"] = ["A planned treatment has not happened yet: leave the date empty."]
        elif update.happened_on > today:
            errors["happened_on"] = [f"The date cannot be in the future (today is {today:%d/%m/%Y})."]
        elif update.happened_on < row.meeting_date:
            errors["happened_on"] = [
                f"The date cannot be before the meeting that decided on the treatment ({row.meeting_date:%d/%m/%Y})."
            ]
    if status in NEEDS_CAUSE:
        if not update.cause:
            errors["cause"] = [f"Give the reason the treatment was {status.label.lower()}."]
        elif update.cause not in DepartureCause.values:
            errors["cause"] = [f"Choose one of {', '.join(DepartureCause.labels)}."]
        elif update.cause == DepartureCause.OTHER and not update.cause_text.strip():
            errors["cause_text"] = ['Say what happened: the reason is "other".']
    else:
        if update.cause:
            errors["cause"] = [f'A reason is only recorded when the treatment was not done or changed, not when it is '
                               f'"{status.label.lower()}": choose no reason.']  # fmt: skip
        if update.cause_text.strip():
            errors["cause_text"] = [
                f"Details are only recorded when the treatment was not done or changed, not when it is "
                f'"{status.label.lower()}": empty this field or change the status.'
            ]
    limit = DecidedOption._meta.get_field("cause_text").max_length
    if len(update.cause_text) > limit:
        errors.setdefault("cause_text", []).append(
            f"Keep the details to {limit:,} characters (they have {len(update.cause_text):,})."
        )
    return errors


def update_treatment(
    row: DecidedOption, update: TreatmentUpdate, *, loaded_lock_version: int, user, today: date | None = None
) -> DecidedOption:
    """Record UPDATE of the planned treatment ROW as USER and return the row as saved.

    Raises ValidationError (a dict by field; nothing saved) when the update does not hold, TreatmentConflict
    when someone else updated the row after LOADED_LOCK_VERSION, TrackingError when the row is no longer a
    current planned treatment (an amendment superseded it, or the board rejected the option).
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        current = DecidedOption.objects.select_for_update().get(pk=row.pk)
        if current.lock_version != loaded_lock_version:
            raise TreatmentConflict(current)
        if not current.current:
            raise TrackingError("An amendment of the decision replaced this treatment: update it on the amendment.")
        if not current.is_planned_treatment:
            raise TrackingError("The board rejected this option: there is no treatment to follow up.")
        errors = treatment_errors(current, update, today)
        if errors:
            raise ValidationError(errors)
        values = {
            "status": update.status,
            "happened_on": update.happened_on,
            "cause": update.cause if update.status in NEEDS_CAUSE else "",
            "cause_text": update.cause_text.strip() if update.status in NEEDS_CAUSE else "",
        }
        if all(getattr(current, name) == value for name, value in values.items()):
            return current  # nothing changed: no new version, no history row
        for name, value in values.items():
            setattr(current, name, value)
        current.lock_version += 1
        current.updated_by = user
        current._history_user = user  # the history names who changed it, also outside a request
        current.save()
    return current


# --- the worklist --------------------------------------------------------------------------------------


def overdue_after() -> timedelta:
    """How long after the meeting a still-planned treatment counts as overdue (settings.TREATMENT_OVERDUE_DAYS)."""
    return timedelta(days=settings.TREATMENT_OVERDUE_DAYS)


def overdue_treatments(today: date) -> QuerySet[DecidedOption]:
    """Return the current treatments still planned longer than the overdue period after their meeting (their
    partial index, decided_option_overdue, holds only the planned rows: done ones cost nothing here)."""
    return DecidedOption.objects.filter(
        current=True, status=ImplementationStatus.PLANNED, meeting_date__lt=today - overdue_after()
    )


def undated_treatments() -> QuerySet[DecidedOption]:
    """Return the current treatments recorded as done / not done / changed without the date it happened
    (partial index decided_option_undated: the same condition)."""
    return DecidedOption.objects.filter(current=True, status__in=UNDATED_STATUSES, happened_on__isnull=True)


def open_treatments(today: date) -> QuerySet[DecidedOption]:
    """Return the treatments that need a coordinator: overdue or undated (the worklist reads the two apart,
    each through its own index)."""
    return overdue_treatments(today) | undated_treatments()


def current_actions() -> QuerySet[FollowUpAction]:
    """Return the follow-up actions of each item's head signed decision (an amendment copies the actions: a
    superseded version has a signed successor, and its actions no longer count)."""
    newer = Decision.objects.filter(amends=OuterRef("decision"), status=DecisionStatus.SIGNED)
    return FollowUpAction.objects.filter(decision__status=DecisionStatus.SIGNED).exclude(Exists(newer))


def overdue_actions(today: date) -> QuerySet[FollowUpAction]:
    """Return the current follow-up actions whose due date has passed and that nobody has marked done.

    NOT EXISTS rather than a LEFT JOIN on the progress rows: PostgreSQL estimated that join to leave one row and
    then walked every action of the registry in nested loops (0.6 s at 100k cases, on the board's figures).
    """
    done = ActionProgress.objects.filter(action=OuterRef("pk"))
    return current_actions().filter(due_date__lt=today).exclude(Exists(done))


def mark_action_done(action: FollowUpAction, done_on: date, user, today: date | None = None) -> ActionProgress:
    """Record that ACTION (of a head signed decision) was done on DONE_ON, as USER; return the record.

    Raises ValidationError ({"done_on": ...}) for a date in the future or before the meeting, TrackingError
    when the action is not a current one or was marked done meanwhile (by whom, when: nothing overwritten).
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        action = (
            FollowUpAction.objects.select_for_update()
            .select_related("decision__agenda_item__meeting")
            .get(pk=action.pk)
        )
        if not current_actions().filter(pk=action.pk).exists():
            raise TrackingError("This action belongs to a draft or to a decision an amendment replaced.")
        existing = ActionProgress.objects.filter(action=action).select_related("recorded_by").first()
        if existing is not None:
            raise TrackingError(
                f"{display_name(existing.recorded_by)} marked this action done on {existing.done_on:%d/%m/%Y} "
                "meanwhile: nothing was changed."
            )
        meeting_date = timezone.localdate(action.decision.agenda_item.meeting.scheduled_at)
        if done_on > today:
            raise ValidationError({"done_on": [f"The date cannot be in the future (today is {today:%d/%m/%Y})."]})
        if done_on < meeting_date:
            raise ValidationError(
                {"done_on": [f"The date cannot be before the meeting that decided on it ({meeting_date:%d/%m/%Y})."]}
            )
        progress = ActionProgress(action=action, done_on=done_on, recorded_by=user)
        progress._history_user = user
        progress.save()
    return progress


# --- back to the board -----------------------------------------------------------------------------


def next_meetings(after: date, limit: int = 5) -> list[Meeting]:
    """Return the planned meetings from AFTER (a local date) on, soonest first: where a case can be brought back."""
    start = timezone.make_aware(timezone.datetime.combine(after, timezone.datetime.min.time()))
    return list(
        Meeting.objects.filter(status=MeetingStatus.PLANNED, scheduled_at__gte=start).order_by("scheduled_at", "pk")[
            :limit
        ]
    )


def bring_back(row: DecidedOption, meeting: Meeting, user) -> AgendaItem:
    """Put ROW's case on MEETING's agenda (the chosen later planned meeting) and mark the case ready, as a
    decision asking for re-discussion does; return the new agenda item.

    Raises TrackingError when the treatment was not changed or not done, services.MeetingError when the
    meeting is not open or the case is already on its agenda (nothing changed then).
    """
    if row.status not in NEEDS_CAUSE:
        raise TrackingError("Only a treatment that was changed or not done is brought back to the board.")
    with transaction.atomic():
        last = AgendaItem.objects.filter(case_id=row.case_id).exclude(meeting=meeting).order_by("-pk").first()
        item = services.add_to_agenda(
            meeting, row.case, presenter=last.presenter if last else None,
            planned_minutes=last.planned_minutes if last else 10,
        )  # fmt: skip
        case = Case.objects.select_for_update().get(pk=row.case_id)
        if case.status != CaseStatus.READY:
            case.status, case.updated_at = CaseStatus.READY, timezone.now()
            case._history_user = user
            case.save(update_fields=["status", "updated_at"])
    return item
