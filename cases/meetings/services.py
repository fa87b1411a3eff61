"""Writes of the meetings app: the agenda, the meeting's status, and decisions (record, sign, amend).

Each function is one transaction. Decisions use optimistic locking like `pathways.services.save_step`:
a form carries the `lock_version` it was loaded at, and a save or signature against a newer version
raises DecisionConflict without changing anything.
"""

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cases import integrity
from cases.access import user_roles
from cases.meetings.models import (
    MAX_MINUTES,
    ActionProgress,
    AgendaItem,
    Attendance,
    AttendanceAmendment,
    AttendanceChange,
    DecidedOption,
    Decision,
    DecisionStatus,
    FollowUpAction,
    ImplementationStatus,
    ItemClosing,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Outcome,
    StandingMember,
    is_departure,
)
from cases.pathways.engine import Assessment, Guideline, assessment_to_dict
from cases.patients.models import Case, CaseStatus
from cases.people import display_name


class MeetingError(Exception):
    """The request does not fit the current state (e.g. the agenda of a closed meeting); nothing changed."""


class AttendanceFrozen(MeetingError):
    """The meeting has a signed decision: attendance changes only as an amendment with a reason."""


class UndecidedItems(MeetingError):
    """The meeting cannot close while these items have no signed decision and no deferral or "not discussed"."""

    def __init__(self, items: list[AgendaItem]) -> None:
        super().__init__(
            f"{len(items)} case{'s' if len(items) != 1 else ''} without a signed decision: defer each to a later "
            "meeting or mark it not discussed before closing."
        )
        self.items = items


class SigningTooEarly(MeetingError):
    """The meeting's date and time have not come yet, and no reason for signing early was given."""


class DecisionConflict(Exception):
    """Someone saved or signed the decision after this form was loaded; nothing was saved."""

    def __init__(self, current: Decision) -> None:
        super().__init__(f"decision changed meanwhile (now lock version {current.lock_version}, {current.status})")
        self.current = current


# --- agenda and meeting status ---------------------------------------------------------------------


def _locked_meeting(meeting: Meeting) -> Meeting:
    """Return MEETING re-read under a row lock; refuse changes once it is closed."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not current.is_open:
        raise MeetingError("The meeting is closed: its agenda and attendance no longer change.")
    return current


def add_to_agenda(meeting: Meeting, case: Case, presenter, planned_minutes: int) -> AgendaItem:
    """Append CASE to the end of MEETING's agenda and return the new item."""
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.agenda_items.filter(case=case).exists():
            raise MeetingError("This case is already on the agenda.")
        last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
        return AgendaItem.objects.create(
            meeting=meeting, case=case, position=last + 1, presenter=presenter, planned_minutes=planned_minutes
        )


def move_item(item: AgendaItem, direction: str) -> None:
    """Swap ITEM with its neighbour above ("up") or below ("down"); at either end nothing happens."""
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting)
        item = AgendaItem.objects.get(pk=item.pk)
        siblings = meeting.agenda_items.exclude(pk=item.pk)
        if direction == "up":
            neighbour = siblings.filter(position__lt=item.position).order_by("-position").first()
        else:
            neighbour = siblings.filter(position__gt=item.position).order_by("position").first()
        if neighbour is None:
            return
        # (meeting, position) is unique and not deferrable, so swap through a free position.
        free = meeting.agenda_items.aggregate(last=Max("position"))["last"] + 1
        mine, theirs = item.position, neighbour.position
        AgendaItem.objects.filter(pk=item.pk).update(position=free)
        AgendaItem.objects.filter(pk=neighbour.pk).update(position=mine)
        AgendaItem.objects.filter(pk=item.pk).update(position=theirs)
        # update() writes no history: record both items' new positions (who moved them, when).
        item.position, neighbour.position = theirs, mine
        AgendaItem.history.bulk_history_create([item, neighbour], update=True)


def remove_item(item: AgendaItem) -> None:
    """Take ITEM off the agenda; an item with a recorded decision stays (decisions are never lost)."""
    with transaction.atomic():
        _locked_meeting(item.meeting)
        if item.decisions.exists():
            raise MeetingError("A decision has been recorded for this case: it stays on the agenda.")
        item.delete()


def is_attendance_frozen(meeting: Meeting) -> bool:
    """Return whether MEETING has a signed decision: its summary lists the attendance as it was then."""
    return Decision.objects.filter(agenda_item__meeting=meeting, status=DecisionStatus.SIGNED).exists()


def _amendment_reason(meeting: Meeting, reason: str) -> str:
    """Return REASON when MEETING's attendance is frozen ("" when it is not); refuse a frozen change without one.

    Called under the meeting's row lock, which signing takes too: no signature slips in between the check
    and the write.
    """
    if not is_attendance_frozen(meeting):
        return ""
    if not reason.strip():
        raise AttendanceFrozen(
            "A decision of this meeting is signed, and its summary lists the attendance as it was then: "
            "a change now is an amendment. Give the reason for it."
        )
    return reason.strip()


def add_attendance(
    meeting: Meeting, *, user, name: str, specialty: str, present: bool, remote: bool = False,
    reason: str = "", author=None,
) -> Attendance:  # fmt: skip
    """Put a member (USER, or a guest by NAME) on MEETING's attendance list with the specialty they represent.

    After the meeting's first signature this is an amendment: REASON is required and recorded, by AUTHOR.
    """
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        reason = _amendment_reason(meeting, reason)
        # The form checked this against the list it was shown; the lock makes it true at the write.
        if user is not None and meeting.attendances.filter(user=user).exists():
            raise MeetingError(f"{display_name(user)} is already on the list.")
        attendance = Attendance.objects.create(
            meeting=meeting, user=user, name=name, specialty=specialty, present=present, remote=present and remote
        )
        if reason:
            AttendanceAmendment.objects.create(
                attendance=attendance, change=AttendanceChange.ADDED, reason=reason, author=author
            )
        return attendance


def mark_attendance(
    attendance: Attendance, present: bool, remote: bool = False, *, reason: str = "", author=None
) -> Attendance:
    """Mark ATTENDANCE's member present (in the room, or REMOTE) or absent.

    After the meeting's first signature this is an amendment: REASON is required and recorded, by AUTHOR.
    Raises MeetingError when the member was taken off the list meanwhile.
    """
    with transaction.atomic():
        meeting = _locked_meeting(attendance.meeting)
        current = Attendance.objects.filter(pk=attendance.pk, meeting=meeting).first()
        if current is None:
            raise MeetingError("This member was taken off the list meanwhile: nothing was changed.")
        reason = _amendment_reason(meeting, reason)
        remote = present and remote
        if (current.present, current.remote) == (present, remote):
            return current
        current.present, current.remote = present, remote
        current.save(update_fields=["present", "remote", "updated_at"])
        if reason:
            change = AttendanceChange.PRESENT if present else AttendanceChange.ABSENT
            AttendanceAmendment.objects.create(attendance=current, change=change, reason=reason, author=author)
        return current


def remove_attendance(attendance: Attendance) -> None:
    """Take ATTENDANCE's member off the list; once a decision is signed, mark them absent with a reason instead."""
    with transaction.atomic():
        meeting = _locked_meeting(attendance.meeting)
        if is_attendance_frozen(meeting):
            raise AttendanceFrozen(
                "A decision of this meeting is signed with this attendance list: nobody is taken off it now. "
                "Mark the member absent, with the reason, instead."
            )
        Attendance.objects.filter(pk=attendance.pk).delete()


def create_meeting(meeting: Meeting, new_series: str = "") -> Meeting:
    """Save the new MEETING (in a series named NEW_SERIES, created here, when given); a meeting of a series starts
    with the series' standing members on its attendance list, present."""
    with transaction.atomic():
        if new_series:
            meeting.series = MeetingSeries.objects.create(name=new_series)
        meeting.save()
        if meeting.series_id:
            for member in meeting.series.members.select_related("user"):
                Attendance.objects.create(meeting=meeting, user=member.user, specialty=member.specialty)
    return meeting


def save_standing_members(meeting: Meeting) -> int:
    """Make the members on MEETING's list (users, not guests) its series' standing members; return how many.

    Raises MeetingError when the meeting belongs to no series.
    """
    with transaction.atomic():
        if meeting.series_id is None:
            raise MeetingError("This meeting belongs to no series: choose one in its details first.")
        series = MeetingSeries.objects.select_for_update().get(pk=meeting.series_id)
        members = list(meeting.attendances.filter(user__isnull=False))
        StandingMember.objects.filter(series=series).exclude(user__in=[a.user_id for a in members]).delete()
        for attendance in members:
            StandingMember.objects.update_or_create(
                series=series, user_id=attendance.user_id, defaults={"specialty": attendance.specialty}
            )
        return len(members)


def undecided_items(meeting: Meeting, *, for_update: bool = False) -> list[AgendaItem]:
    """Return MEETING's items, in agenda order, that have no signed decision and were not deferred or set aside."""
    # An item whose decision was signed is decided, also while an amendment of it is a draft.
    signed = Decision.objects.filter(agenda_item=OuterRef("pk"), status=DecisionStatus.SIGNED)
    items = (
        meeting.agenda_items.filter(~Exists(signed), closing="").select_related("case__patient").order_by("position")
    )
    if for_update:
        items = items.select_for_update(of=("self",))
    return list(items)


def later_meetings(meeting: Meeting, limit: int = 10) -> list[Meeting]:
    """Return the open meetings after MEETING that an undecided case can be deferred to, soonest first."""
    return list(
        Meeting.objects.filter(status=MeetingStatus.PLANNED, scheduled_at__gt=meeting.scheduled_at)
        .exclude(pk=meeting.pk)
        .order_by("scheduled_at", "pk")[:limit]
    )


def close_meeting(meeting: Meeting, settle: dict[int, Meeting | None]) -> Meeting:
    """Close MEETING, settling each undecided item by SETTLE[item.pk]: a later meeting to defer it to, or None
    for "not discussed".

    Raises UndecidedItems (nothing changed) when an undecided item is not settled, MeetingError when a
    deferral's meeting is not a later planned one. A deferred case is added to that meeting's agenda.
    """
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if current.status != MeetingStatus.IN_PROGRESS:
            raise MeetingError(f"The meeting is {current.get_status_display().lower()}: it cannot close.")
        undecided = undecided_items(current, for_update=True)
        unsettled = [item for item in undecided if item.pk not in settle]
        if unsettled:
            raise UndecidedItems(unsettled)
        for item in undecided:
            target = settle[item.pk]
            if target is None:
                item.closing = ItemClosing.NOT_DISCUSSED
            else:
                target = Meeting.objects.select_for_update().get(pk=target.pk)
                if target.status != MeetingStatus.PLANNED or target.scheduled_at <= current.scheduled_at:
                    raise MeetingError(f"{target} is not a later planned meeting: choose another one.")
                if not target.agenda_items.filter(case_id=item.case_id).exists():
                    last = target.agenda_items.aggregate(last=Max("position"))["last"] or 0
                    AgendaItem.objects.create(
                        meeting=target, case_id=item.case_id, position=last + 1, presenter=item.presenter,
                        planned_minutes=item.planned_minutes,
                    )  # fmt: skip
                item.closing, item.deferred_to = ItemClosing.DEFERRED, target
            item.save(update_fields=["closing", "deferred_to", "updated_at"])
        current.status = MeetingStatus.CLOSED
        current.save(update_fields=["status", "updated_at"])
        _stop_clock(current, timezone.now())
    return current


TRANSITIONS = {
    "start": (MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS),
    "close": (MeetingStatus.IN_PROGRESS, MeetingStatus.CLOSED),
}


def change_status(meeting: Meeting, transition: str) -> Meeting:
    """Start a planned meeting or close one in progress."""
    source, target = TRANSITIONS[transition]
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if current.status != source:
            raise MeetingError(f"The meeting is {current.get_status_display().lower()}: it cannot {transition}.")
        if transition == "close":
            undecided = undecided_items(current)
            if undecided:
                raise UndecidedItems(undecided)
        current.status = target
        current.save(update_fields=["status", "updated_at"])
        if target == MeetingStatus.CLOSED:
            _stop_clock(current, timezone.now())
    return current


# --- decisions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionContent:
    """What the board decided, as parsed by the decision form."""

    outcomes: list[dict]
    plan: str
    rediscuss: bool
    actions: list[dict]  # [{"what", "owner", "due_date": date | None}]
    no_findings_reason: str = ""  # why the board decided on a case with no findings (needed to sign it)
    treatment_intent: str = ""  # a TreatmentIntent value; the form requires one


def head_decision(item: AgendaItem, *, for_update: bool = False) -> Decision | None:
    """Return the latest version of ITEM's decision (a draft or signed), or None."""
    decisions = Decision.objects.filter(agenda_item=item).order_by("-version")
    if for_update:
        decisions = decisions.select_for_update()
    return decisions.first()


def record_decision(
    item: AgendaItem,
    content: DecisionContent,
    *,
    assessment: Assessment,
    guideline: Guideline,
    loaded_lock_version: int,
    user,
    now: datetime | None = None,
) -> Decision:
    """Save CONTENT as the draft decision of ITEM, with the engine output it was made against.

    Creates version 1 when there is no decision yet (`loaded_lock_version` 0), otherwise updates the
    draft at the head of the chain. Raises DecisionConflict when someone saved or signed since the
    form was loaded, MeetingError when there is nothing a draft could be saved to.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # The item's row lock serialises the first save: two "new" forms cannot both create version 1.
        item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
        if item.meeting.status == MeetingStatus.PLANNED:
            raise MeetingError("Decisions are recorded once the meeting has started.")
        decision = head_decision(item, for_update=True)
        if decision is None:
            if loaded_lock_version != 0:
                raise MeetingError("The decision this form was loaded from no longer exists.")
            decision = Decision(agenda_item=item, version=1, lock_version=0)
        elif decision.lock_version != loaded_lock_version or decision.is_signed:
            raise DecisionConflict(decision)
        decision.outcomes = content.outcomes
        decision.plan = content.plan
        decision.rediscuss = content.rediscuss
        decision.treatment_intent = content.treatment_intent
        decision.no_findings_reason = content.no_findings_reason or None
        decision.engine_snapshot = assessment_to_dict(assessment)
        decision.guideline_version = guideline.version
        decision.guideline_parameters = dataclasses.asdict(guideline)
        decision.author = user
        decision.recorded_at = now
        decision.lock_version += 1
        decision.save()
        decision.actions.all().delete()
        bulk_create_with_history(
            [FollowUpAction(decision=decision, position=n, **action) for n, action in enumerate(content.actions, 1)],
            FollowUpAction,
        )
        touch_room(item.meeting)
    return decision


def sign_decision(
    decision: Decision, user, loaded_lock_version: int, now: datetime | None = None, *, early_reason: str = ""
) -> Decision:
    """Sign the draft DECISION as USER: it becomes final, with signer, time, content hash, PDF and key signature.

    The caller checks that USER may sign. Raises DecisionConflict when the draft changed after the signer
    loaded it (they must see what they sign) or was signed meanwhile; nothing is signed then. Before the
    meeting's date and time a signature needs EARLY_REASON (SigningTooEarly otherwise), which the record keeps.
    The signed summary lists the meeting's attendance; when it changes while the PDF is rendered, nothing is
    signed (MeetingError): the record would list a different attendance from the meeting's.

    The slow part runs before any transaction: the record's PDF is rendered from the decision as it will be
    signed and signed with the installation's key (settings.SIGNED_RECORD_RENDERER, the reports app). Then
    one short durable transaction re-checks the lock version and writes the signature, the link in the chain
    of signed decisions and the stored PDF (settings.SIGNED_RECORD_WRITER) together: never one without the
    others, and the database's write lock is held for milliseconds, not for a rendering.
    """
    now = now or timezone.now()
    draft = Decision.objects.select_related("agenda_item__meeting", "agenda_item__case", "author", "amends").get(
        pk=decision.pk
    )
    if draft.is_signed or draft.lock_version != loaded_lock_version:
        raise DecisionConflict(draft)
    meeting = draft.agenda_item.meeting
    if now < meeting.scheduled_at:
        if not early_reason.strip():
            raise SigningTooEarly(
                f"The meeting is set for {timezone.localtime(meeting.scheduled_at):%d %b %Y, %H:%M}: signing before "
                "then needs the reason, which the record keeps."
            )
        draft.early_signing_reason = early_reason.strip()
    attendance = attendance_fingerprint(meeting)
    _mark_signed(draft, user, now)
    content = canonical_content(draft)
    draft.content_sha256 = integrity.sha256(content)
    pdf = import_string(settings.SIGNED_RECORD_RENDERER)(draft, content)
    draft.pdf_sha256 = integrity.sha256(pdf)
    with transaction.atomic(durable=True):
        # The meeting's row lock, which attendance changes take too: the attendance the PDF lists stays so.
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        current = Decision.objects.select_for_update().get(pk=decision.pk)
        if current.is_signed or current.lock_version != loaded_lock_version:
            raise DecisionConflict(current)
        if attendance_fingerprint(meeting) != attendance:
            raise MeetingError(
                "The attendance changed while the decision was being signed: nothing was signed. Sign again."
            )
        with integrity.chain_lock("decisions"):
            last = Decision.objects.filter(chain_position__isnull=False).order_by("-chain_position").first()
            link = integrity.next_link(
                "decisions", (last.chain_position, integrity.sha256(chain_statement(last))) if last else None,
                chain_payload(draft),
            )  # fmt: skip
            for name in SIGNED_FIELDS:
                setattr(current, name, getattr(draft, name))
            current.chain_position, current.chain_previous = link.position, link.previous
            current.signature, current.signing_key = link.signature, link.key
            current.save()
            import_string(settings.SIGNED_RECORD_WRITER)(current, pdf)
        write_decided_options(current)
        carry_action_progress(current)
        update_case_status(current)
        # The board has decided: the case's clock stops (it restarts if the chair comes back to it).
        _stop_clock(meeting, now, current.agenda_item)
        touch_room(meeting)
    return current


def write_decided_options(decision: Decision) -> list[DecidedOption]:
    """Write one DecidedOption row per option of the just-signed DECISION (inside the signing transaction).

    An amendment supersedes the version it amends: that version's rows stop being current, and what is known
    of carrying out each still-planned option (status, date, reason) passes on to the amendment's row of the
    same option, so that an amended decision counts once and no follow-up typed so far is lost.
    """
    item = decision.agenda_item
    meeting_date = timezone.localdate(item.meeting.scheduled_at)
    # The work-up as the board saw it: the engine output the decision was signed against.
    AgendaItem.objects.filter(pk=item.pk).update(workup_complete=not decision.engine_snapshot.get("missing_workup"))
    earlier = {}
    if decision.amends_id:
        # Locked: a coordinator's update of the version amended (meetings.tracking) either lands before and is
        # carried over, or waits and then finds its row superseded; it is never lost in between.
        superseded = DecidedOption.objects.select_for_update().filter(decision_id=decision.amends_id)
        earlier = {row.code: row for row in superseded}
        DecidedOption.objects.filter(decision_id=decision.amends_id).update(current=False)
    rows = []
    for outcome in decision.outcomes:
        planned = outcome["outcome"] != Outcome.REJECT
        row = DecidedOption(
            decision=decision, case_id=item.case_id, meeting_id=item.meeting_id, meeting_date=meeting_date,
            code=outcome["code"], title=outcome["title"], engine_verdict=outcome["engine_verdict"],
            outcome=outcome["outcome"], departure=is_departure(outcome["engine_verdict"], outcome["outcome"]),
            board_reason=outcome.get("reason") or "", guideline_version=decision.guideline_version,
            status=ImplementationStatus.PLANNED if planned else "",
        )  # fmt: skip
        before = earlier.get(row.code)
        if planned and before is not None and before.status:
            row.status, row.happened_on = before.status, before.happened_on
            row.cause, row.cause_text = before.cause, before.cause_text
        rows.append(row)
    return bulk_create_with_history(rows, DecidedOption)


def carry_action_progress(decision: Decision) -> None:
    """Mark the just-signed amendment DECISION's follow-up actions done where the version it amends had the same
    action (what, who, due) marked done, so that what was recorded of them is not lost (inside signing)."""
    if not decision.amends_id:
        return
    done = {
        (p.action.what, p.action.owner, p.action.due_date): p
        for p in ActionProgress.objects.filter(action__decision_id=decision.amends_id).select_related("action")
    }
    carried = []
    for action in decision.actions.all():
        before = done.get((action.what, action.owner, action.due_date))
        if before is not None:
            carried.append(ActionProgress(action=action, done_on=before.done_on, recorded_by_id=before.recorded_by_id))
    bulk_create_with_history(carried, ActionProgress)


def attendance_fingerprint(meeting: Meeting) -> list[tuple]:
    """Return what a signed summary shows of MEETING's attendance: each row's member, state and last change."""
    return list(meeting.attendances.order_by("pk").values_list("pk", "present", "remote", "updated_at"))


# The longest one stretch at a case counts for (an hour: MAX_MINUTES, the longest a board spends on a case):
# a screen left on a case over a break does not make the case last all afternoon.
LONGEST_STRETCH_SECONDS = MAX_MINUTES * 60


def touch_room(meeting: Meeting, item: AgendaItem | None = None, now: datetime | None = None) -> None:
    """Tell members following MEETING that something changed (ITEM: the chair is now at that case).

    The chair arriving at ITEM also ends the stretch at the case before (its time is added to that item's
    discussion_seconds) and starts ITEM's clock: the board's minutes per case, measured on the server.
    """
    changes = {"room_version": F("room_version") + 1}
    if item is not None:
        now = now or timezone.now()
        with transaction.atomic():
            _stop_clock(meeting, now)
            changes["current_item"], changes["current_item_since"] = item, now
            Meeting.objects.filter(pk=meeting.pk).update(**changes)
        return
    Meeting.objects.filter(pk=meeting.pk).update(**changes)


def _stop_clock(meeting: Meeting, now: datetime, item: AgendaItem | None = None) -> None:
    """Add the time since the chair arrived at MEETING's current item to its discussion_seconds and stop its
    clock (only when that item is ITEM, when given: signing stops the clock of the case signed)."""
    since, current = (
        Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("current_item_since", "current_item")
    ).get()
    if since is None or current is None or (item is not None and item.pk != current):
        return
    seconds = min(max(0, round((now - since).total_seconds())), LONGEST_STRETCH_SECONDS)
    AgendaItem.objects.filter(pk=current).update(
        discussion_seconds=Coalesce(F("discussion_seconds"), Value(0)) + seconds
    )
    Meeting.objects.filter(pk=meeting.pk).update(current_item_since=None)


# What signing sets on the draft before its PDF is rendered (the chain link is added in the transaction).
SIGNED_FIELDS = (
    "status", "signed_by", "signed_at", "signed_schema", "people_at_signing", "content_sha256", "pdf_sha256",
    "early_signing_reason",
)  # fmt: skip


def _mark_signed(decision: Decision, user, now: datetime) -> None:
    """Set DECISION's signature fields in memory: signer, time, and the names and roles as they are now."""
    decision.status = DecisionStatus.SIGNED
    decision.signed_by = user
    decision.signed_at = now
    decision.signed_schema = CONTENT_SCHEMA
    decision.people_at_signing = {"author": _person(decision.author), "signer": _person(user)}


def update_case_status(decision: Decision) -> None:
    """Mark the case discussed after a signed decision, or ready again when the board will re-discuss it."""
    status = CaseStatus.READY if decision.rediscuss else CaseStatus.DISCUSSED
    cases = list(Case.objects.filter(agenda_items__decisions=decision))
    for case in cases:
        case.status, case.updated_at = status, timezone.now()
    bulk_update_with_history(cases, Case, ["status", "updated_at"])


def amend_decision(signed: Decision, user, reason: str, now: datetime | None = None) -> Decision:
    """Start an amendment of the signed head decision: a new draft version that copies its content.

    The signed original stays untouched. Raises DecisionConflict when SIGNED is no longer the head of
    its chain (someone amended it meanwhile) or is not signed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=signed.agenda_item_id)
        head = head_decision(item, for_update=True)
        if head is None or head.pk != signed.pk or not head.is_signed:
            raise DecisionConflict(head or signed)
        draft = Decision.objects.create(
            agenda_item=item,
            version=head.version + 1,
            outcomes=head.outcomes,
            plan=head.plan,
            rediscuss=head.rediscuss,
            treatment_intent=head.treatment_intent,
            no_findings_reason=head.no_findings_reason,
            engine_snapshot=head.engine_snapshot,
            guideline_version=head.guideline_version,
            guideline_parameters=head.guideline_parameters,
            author=user,
            recorded_at=now,
            amends=head,
            amendment_reason=reason,
        )
        bulk_create_with_history(
            [
                FollowUpAction(
                    decision=draft,
                    position=action.position,
                    what=action.what,
                    owner=action.owner,
                    due_date=action.due_date,
                )
                for action in head.actions.all()
            ],
            FollowUpAction,
        )
    return draft


# --- the signed content ----------------------------------------------------------------------------

# Schema 1: before keyed signatures (names read live from the accounts, no roles). Schema 2: names and roles
# as at signing, a key signature, the PDF's hash and a chain link. Old decisions keep their schema; their
# names were kept as they were by migration 0004 (which checked them against the stored hash).
CONTENT_SCHEMA = 2


def _iso(value: date | datetime | None) -> str | None:
    """Dates as YYYY-MM-DD; times in UTC, so the text does not depend on the server's time zone."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
    return value.isoformat() if value is not None else None


def _person(user) -> dict:
    """Name USER as the record keeps them: username, full name and the roles they hold now."""
    return {"username": user.get_username(), "name": user.get_full_name(), "roles": [r.label for r in user_roles(user)]}


def canonical_content(decision: Decision) -> bytes:
    """Return the decision's content as canonical JSON: sorted keys, no whitespace, UTF-8.

    Everything a reader relies on is in it: the case and meeting it belongs to, the outcomes, plan and
    follow-up actions, the engine output and guideline parameters, who recorded and who signed (as they were
    named at signing), when. Built only from the decision's own row and its actions, so it reads the same
    whatever happens to the accounts later.
    """
    item = decision.agenda_item
    people = decision.people_at_signing or {}
    content = {
        "schema": decision.signed_schema or CONTENT_SCHEMA,
        "decision": str(decision.public_id),
        "meeting": str(item.meeting.public_id),
        "case": str(item.case.public_id),
        "version": decision.version,
        "amends": str(decision.amends.public_id) if decision.amends_id else None,
        "amendment_reason": decision.amendment_reason,
        "outcomes": decision.outcomes,
        "plan": decision.plan,
        "rediscuss": decision.rediscuss,
        "actions": [
            {"what": a.what, "owner": a.owner, "due_date": _iso(a.due_date)}
            for a in decision.actions.order_by("position")
        ],
        "engine_snapshot": decision.engine_snapshot,
        "guideline_version": decision.guideline_version,
        "guideline_parameters": decision.guideline_parameters,
        "author": people.get("author") or _person(decision.author),
        "recorded_at": _iso(decision.recorded_at),
        "signed_by": people.get("signer") or (_person(decision.signed_by) if decision.signed_by_id else None),
        "signed_at": _iso(decision.signed_at),
    }
    if decision.no_findings_reason:
        # Only when given (issue 17), so the content, and the hash, of every earlier decision stay the same.
        content["no_findings_reason"] = decision.no_findings_reason
    if decision.treatment_intent:
        # Likewise only when given (issue 19): decisions signed before the intent was asked keep their hash.
        content["treatment_intent"] = decision.treatment_intent
    if decision.early_signing_reason:
        # Likewise only when given (issue 18): signed before the meeting's date and time, and why.
        content["early_signing_reason"] = decision.early_signing_reason
    return integrity.canonical_json(content)


def content_hash(decision: Decision) -> str:
    return integrity.sha256(canonical_content(decision))


def chain_payload(decision: Decision) -> dict:
    """What a signed decision's chain statement says about it (schema 1 decisions had no PDF hash)."""
    payload = {
        "decision": str(decision.public_id),
        "schema": decision.signed_schema,
        "content": decision.content_sha256,
    }
    if decision.signed_schema != 1:
        payload["pdf"] = decision.pdf_sha256
    return payload


def chain_statement(decision: Decision) -> bytes:
    """Return the statement signed for DECISION: its chain position, the previous digest and its payload."""
    return integrity.statement("decisions", decision.chain_position, decision.chain_previous, chain_payload(decision))


def signature_problems(decision: Decision, trusted: dict | None = None) -> list[str]:
    """Return what does not hold about a signed DECISION's own content and signature (empty: all holds).

    The content must still hash to the stored SHA-256 and, from schema 2 on, the key's signature over the
    chain statement must verify with a trusted certificate. The chain's continuity and the stored PDF are
    checked by the reports app (verify_records), which sees the other decisions and the PDFs.
    """
    if not decision.is_signed:
        return ["the decision is not signed"]
    problems = []
    if content_hash(decision) != decision.content_sha256:
        problems.append("its content does not match the SHA-256 stored at signing")
    if decision.signed_schema == 1:
        return problems  # signed before keyed signatures: the hash (and the chain since) is all there is
    if not integrity.signature_holds(chain_statement(decision), decision.signature, decision.signing_key, trusted):
        problems.append("the key's signature does not verify (a changed hash or chain link, or an unknown key)")
    return problems


def verify(decision: Decision) -> bool:
    """Return whether a signed decision's content and key signature still hold."""
    return decision.is_signed and not signature_problems(decision)
