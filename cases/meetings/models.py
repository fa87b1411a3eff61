"""Meetings of the board, their agenda and attendance, and the decisions recorded for each case.

A decision is a draft until the chair signs it; a signed decision never changes. That is guarded
three times: here (save/delete refuse signed rows), by database triggers (migrations 0002 and 0004, for
raw SQL, `QuerySet.update()` and SQLite's REPLACE), and by the installation key's signature over the
SHA-256 of its canonical content and its place in the chain of signed decisions, which anyone with the
certificate can check (docs/meetings.md, docs/security.md). Every model keeps its history (django-simple-history, in
separate tables the triggers do not guard): who changed what, and when.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.patients.models import Case
from cases.people import display_name
from cases.specialties import Specialty

# Agenda slots are planned in whole minutes; an hour is the longest a board spends on one case.
MIN_MINUTES, MAX_MINUTES = 1, 60


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


class MeetingSeries(models.Model):
    """A recurring board (e.g. the weekly si-NEN board) with its standing members.

    A new meeting of the series starts with the standing members on its attendance list, present: the
    coordinator marks who is absent instead of adding everyone every week.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "meeting series"
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="series_name_not_blank")]

    def __str__(self) -> str:
        return self.name


class StandingMember(models.Model):
    """A core member of a series, with the specialty they represent at its meetings."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    specialty = models.CharField(max_length=32, choices=Specialty.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["series", "specialty", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(specialty__in=Specialty.values), name="standing_specialty_valid"),
            models.UniqueConstraint(fields=["series", "user"], name="standing_member_once"),
        ]

    def __str__(self) -> str:
        return f"{display_name(self.user)} ({self.get_specialty_display()})"


class Meeting(models.Model):
    """One sitting of the board: planned, then in progress, then closed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    scheduled_at = models.DateTimeField("date and time")
    location = models.CharField("room", max_length=200, blank=True)
    video_url = models.URLField("video link", max_length=500, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_meetings")
    status = models.CharField(max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings")
    # Where the chair is in meeting mode, for members who follow the chair; `room_version` counts every change
    # a follower must see (the chair's case, decisions saved and signed): it is the followers' ETag.
    current_item = models.ForeignKey(
        "AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    room_version = models.PositiveIntegerField(default=0, editable=False)
    # When the chair arrived at current_item (empty: its clock is stopped, e.g. once its decision is signed): the
    # time until the chair moves on or signs is added to the item's discussion_seconds (services.touch_room).
    current_item_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_at", "pk"]
        indexes = [models.Index(fields=["status", "scheduled_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="meeting_title_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.scheduled_at):%d %b %Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", kwargs={"public_id": self.public_id})

    @property
    def is_open(self) -> bool:
        """Whether the agenda and attendance may still change."""
        return self.status != MeetingStatus.CLOSED

    @property
    def is_planned(self) -> bool:
        """Whether the meeting has not started: no decisions yet."""
        return self.status == MeetingStatus.PLANNED

    @property
    def is_in_progress(self) -> bool:
        return self.status == MeetingStatus.IN_PROGRESS


class ItemClosing(models.TextChoices):
    DEFERRED = "deferred", "Deferred"
    NOT_DISCUSSED = "not_discussed", "Not discussed"


class AgendaItem(models.Model):
    """A case on a meeting's agenda. Positions order the agenda; gaps are allowed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveIntegerField()
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    planned_minutes = models.PositiveSmallIntegerField("minutes planned", default=10)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # How an item without a signed decision was settled when the meeting closed (empty: decided or open).
    closing = models.CharField(max_length=16, choices=ItemClosing.choices, blank=True)
    deferred_to = models.ForeignKey(
        "Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="deferred_items"
    )
    # For the board's figures (issue 20): how long the board spent on the case (meeting mode's timer), and
    # whether its work-up was complete when the board discussed it (empty: not known).
    discussion_seconds = models.PositiveIntegerField("time discussed (seconds)", null=True, blank=True)
    workup_complete = models.BooleanField("work-up complete at the meeting", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            # A case is discussed once per meeting; re-discussion happens at a later meeting.
            models.UniqueConstraint(fields=["meeting", "case"], name="agenda_case_once_per_meeting"),
            # Not deferrable (SQLite cannot defer): services.move_item swaps through a free position.
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="agenda_position_positive"),
            # A slot of 0 minutes or of a whole afternoon is a typo, not a plan.
            models.CheckConstraint(
                condition=Q(planned_minutes__gte=MIN_MINUTES, planned_minutes__lte=MAX_MINUTES),
                name="agenda_planned_minutes_range",
            ),
            # A deferral names the meeting the case goes to; nothing else does.
            models.CheckConstraint(
                condition=Q(closing="deferred", deferred_to__isnull=False)
                | (Q(closing__in=["", "not_discussed"]) & Q(deferred_to__isnull=True)),
                name="agenda_closing_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.position} of {self.meeting}"


class Attendance(models.Model):
    """A member invited to or present at a meeting: a user of the app, or a guest named in free text."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    name = models.CharField("name (guests)", max_length=200, blank=True)
    specialty = models.CharField(max_length=32, choices=Specialty.choices)
    present = models.BooleanField(default=True)
    # Present by video or telephone: counts toward the quorum like a member in the room.
    remote = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "specialty", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(specialty__in=Specialty.values), name="attendance_specialty_valid"),
            # Every row must say who: a user, or a guest's name.
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="attendance_names_someone"),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="attendance_user_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_specialty_display()})"

    @property
    def display_name(self) -> str:
        if self.user_id:
            return display_name(self.user)
        return self.name


class AttendanceChange(models.TextChoices):
    ADDED = "added", "Added"
    PRESENT = "present", "Marked present"
    ABSENT = "absent", "Marked absent"


class AttendanceAmendment(models.Model):
    """A change of attendance after the meeting's first signed decision, with its reason.

    Signed summaries list the attendance as it was at signing, so a later change is never silent: the
    attendance list and the pack's cover show each amendment with who made it, when and why.
    """

    attendance = models.ForeignKey(Attendance, on_delete=models.PROTECT, related_name="amendments")
    change = models.CharField(max_length=8, choices=AttendanceChange.choices)
    reason = models.TextField(max_length=1000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attendance", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(change__in=AttendanceChange.values), name="attendance_change_valid"),
            models.CheckConstraint(condition=~Q(reason=""), name="attendance_amendment_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_change_display()}: {self.reason}"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class Outcome(models.TextChoices):
    """What the board does with one option: do it, do it differently, or not do it."""

    ACCEPT = "accept", "Accept"
    MODIFY = "modify", "Modify"
    REJECT = "reject", "Reject"


class TreatmentIntent(models.TextChoices):
    """What the board's plan aims at, the first thing a reader of the outcome needs (UK MDT outcome forms)."""

    CURATIVE = "curative", "Curative"
    PALLIATIVE = "palliative", "Palliative"
    SURVEILLANCE = "surveillance", "Surveillance"
    FURTHER_WORKUP = "further_workup", "Further work-up"


def is_departure(verdict: str, outcome: str) -> bool:
    """Return whether OUTCOME departs from the engine's VERDICT, so that the board must say why.

    Doing what the engine does not recommend, not doing what it recommends, and any modification are
    departures; either choice on a "consider" verdict is not (the engine leaves it to the board).
    """
    return (
        outcome == Outcome.MODIFY
        or (verdict == "recommended" and outcome == Outcome.REJECT)
        or (verdict == "not_recommended" and outcome == Outcome.ACCEPT)
    )


def is_quiet(verdict: str, outcome: str | None) -> bool:
    """Return whether the record names the option by its title only: the engine does not recommend it and
    the board does not do it either (or has not decided yet). What will be done, and every departure with
    its reason, is what a reader of the record needs in full.
    """
    return verdict == "not_recommended" and not (outcome and is_departure(verdict, outcome))


class SignedDecisionError(Exception):
    """A signed decision (or one of its follow-up actions) was about to be changed or deleted."""


class Decision(models.Model):
    """What the board decided for one agenda item, with the engine output and guideline it saw.

    Versions of the same item form a chain: version 1 is the decision taken at the meeting, each
    amendment is a new row with version + 1 that `amends` the previous signed version. Only the
    draft at the head of the chain can change; `lock_version` detects concurrent edits of it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=8, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT)
    # [{"code", "title", "engine_verdict", "outcome", "reason"}] in the engine's option order.
    outcomes = models.JSONField(default=list)
    plan = models.TextField(max_length=5000)
    rediscuss = models.BooleanField("re-discuss at a later meeting", default=False)
    # Empty only on decisions recorded before the intent was asked (issue 19); the form requires it.
    treatment_intent = models.CharField(max_length=16, choices=TreatmentIntent.choices, blank=True)
    # assessment_to_dict() and dataclasses.asdict(guideline) when the decision was (last) recorded.
    engine_snapshot = models.JSONField()
    guideline_version = models.CharField(max_length=100)
    guideline_parameters = models.JSONField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    content_sha256 = models.CharField("SHA-256 of the signed content", max_length=64, blank=True)
    # What the signed content is made of: schema 1 (before keyed signatures: the hash alone) or 2.
    signed_schema = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # The author's and signer's names and roles as they were at signing ({"author": {...}, "signer": {...}},
    # each {"username", "name", "roles"}): the record says who signed even after a user is renamed.
    people_at_signing = models.JSONField(null=True, blank=True, editable=False)
    # The stored PDF's SHA-256, and the link in the installation's chain of signed decisions: position,
    # the previous statement's SHA-256, and the key's signature (base64) over this one's statement.
    pdf_sha256 = models.CharField("SHA-256 of the signed PDF", max_length=64, blank=True, editable=False)
    chain_position = models.PositiveBigIntegerField(null=True, blank=True, unique=True, editable=False)
    chain_previous = models.CharField(max_length=64, blank=True, editable=False)
    signature = models.TextField(blank=True, editable=False)
    signing_key = models.CharField("signing certificate (SHA-256)", max_length=64, blank=True, editable=False)
    amends = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments")
    amendment_reason = models.TextField(max_length=2000, blank=True)
    # Why the board decided on a case with no findings recorded (issue 17): a case without findings cannot
    # be signed without it. Nullable so that adding the column is a plain ALTER TABLE on SQLite, which keeps
    # migration 0002's triggers (a NOT NULL column with a default would make Django rebuild the table).
    no_findings_reason = models.TextField(  # noqa: DJ001 (see above: NULL or empty both mean none given)
        "reason for deciding without findings", max_length=1000, null=True, blank=True
    )
    # Why the chair signed before the meeting's own date and time (issue 18); nullable for a plain ALTER TABLE
    # on SQLite, as above.
    early_signing_reason = models.TextField(  # noqa: DJ001 (NULL or empty both mean none given)
        "reason for signing before the meeting", max_length=1000, null=True, blank=True
    )
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item", "version"]
        # The dashboard's drafts awaiting a signature, oldest first: a few rows among every decision ever signed.
        indexes = [
            models.Index(fields=["recorded_at", "id"], condition=Q(status="draft"), name="decision_drafts_by_age"),
            # "Has this agenda item a signed decision?", asked for every item of a period by the board's figures
            # (discussed, first decision): answered from the index alone, not from the wide signed rows (the
            # figures' first decisions 64 -> 16 ms for a quarter at 100k cases).
            models.Index(fields=["agenda_item"], condition=Q(status="signed"), name="decision_signed_by_item"),
            # The record alarm's "signed decisions without a stored PDF" (cases/reports/integrity.missing_pdfs),
            # counted on every chair's dashboard: an anti-join of this index with the stored PDFs' unique index,
            # both read alone, instead of a scan of every wide signed row (64 -> 15 ms at 100k decisions).
            models.Index(fields=["id"], condition=Q(status="signed"), name="decision_signed_ids"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DecisionStatus.values), name="decision_status_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="decision_version_positive"),
            models.CheckConstraint(
                condition=Q(treatment_intent__in=["", *TreatmentIntent.values]), name="decision_treatment_intent_valid"
            ),
            models.UniqueConstraint(fields=["agenda_item", "version"], name="decision_version_unique"),
            # At most one draft per item: two drafts would be two competing truths.
            models.UniqueConstraint(
                fields=["agenda_item"], condition=Q(status="draft"), name="decision_one_draft_per_item"
            ),
            # A signature is complete or absent: signer, time, hash, names and chain link together; from
            # schema 2 on also the key's signature and the PDF's hash.
            models.CheckConstraint(
                condition=Q(
                    status="draft",
                    signed_by__isnull=True,
                    signed_at__isnull=True,
                    content_sha256="",
                    signed_schema__isnull=True,
                    people_at_signing__isnull=True,
                    chain_position__isnull=True,
                    signature="",
                )
                | (
                    Q(
                        status="signed",
                        signed_by__isnull=False,
                        signed_at__isnull=False,
                        people_at_signing__isnull=False,
                        chain_position__isnull=False,
                    )
                    & ~Q(content_sha256="")
                    & ~Q(chain_previous="")
                    & (Q(signed_schema=1) | (Q(signed_schema=2) & ~Q(signature="") & ~Q(pdf_sha256="")))
                ),
                name="decision_signature_complete",
            ),
            # Version 1 amends nothing; every later version amends its predecessor and says why.
            models.CheckConstraint(
                condition=Q(version=1, amends__isnull=True, amendment_reason="")
                | (Q(version__gt=1, amends__isnull=False) & ~Q(amendment_reason="")),
                name="decision_amendment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision v{self.version} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        # A guard, not business logic: signing and amending live in services.py.
        if getattr(self, "_stored_status", None) == DecisionStatus.SIGNED:
            raise SignedDecisionError(f"decision {self.public_id} is signed and cannot be changed")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def get_absolute_url(self) -> str:
        return reverse("meetings:decision", kwargs={"public_id": self.public_id})

    def delete(self, *args, **kwargs):
        if getattr(self, "_stored_status", None) == DecisionStatus.SIGNED:
            raise SignedDecisionError(f"decision {self.public_id} is signed and cannot be deleted")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        # Remember the stored status: the save/delete guard looks at what is in the database, not
        # at what the instance has been changed to.
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_signed(self) -> bool:
        return self.status == DecisionStatus.SIGNED

    @property
    def author_name(self) -> str:
        """Who recorded it: as at signing once signed (renames do not rewrite a record), else as today."""
        return self._person_at_signing("author") or display_name(self.author)

    @property
    def signer_name(self) -> str:
        """Who signed it, as at signing (with the roles held then); empty for a draft."""
        if not self.is_signed:
            return ""
        return self._person_at_signing("signer") or display_name(self.signed_by)

    def _person_at_signing(self, who: str) -> str:
        person = (self.people_at_signing or {}).get(who)
        if not person:
            return ""
        name = person.get("name") or person.get("username", "")
        roles = person.get("roles")
        return f"{name} ({', '.join(roles)})" if roles else name

    @property
    def departures(self) -> list[dict]:
        """The outcomes that depart from the engine's verdict (each carries the board's reason)."""
        return [o for o in self.outcomes if is_departure(o["engine_verdict"], o["outcome"])]


class FollowUpAction(models.Model):
    """Something to do after the decision: what, who, by when. Part of the decision's signed content."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField()
    what = models.CharField(max_length=300)
    owner = models.CharField("who", max_length=200)
    due_date = models.DateField("due", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "position"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "position"], name="action_position_unique"),
            models.CheckConstraint(condition=~Q(what=""), name="action_what_not_blank"),
        ]
        # The follow-up worklist reads overdue actions most overdue first, page by page (meetings.follow_up).
        indexes = [models.Index(fields=["due_date", "id"], name="action_due_order")]

    def __str__(self) -> str:
        return self.what

    def save(self, *args, **kwargs):
        self._refuse_if_signed()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_signed()
        return super().delete(*args, **kwargs)

    def _refuse_if_signed(self) -> None:
        if self.decision_id and Decision.objects.filter(pk=self.decision_id, status=DecisionStatus.SIGNED).exists():
            raise SignedDecisionError("the follow-up actions of a signed decision cannot change")


class ImplementationStatus(models.TextChoices):
    """What became of a treatment the board decided on (UK cancer alliances' annual audit of MDT decision
    against treatment; the German MII and Danish FHIR profiles code the same)."""

    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"
    CHANGED = "changed", "Changed"


class DepartureCause(models.TextChoices):
    """Why a planned treatment was not done or was changed (issue 20's coded reasons)."""

    PATIENT_CHOICE = "patient_choice", "Patient choice"
    FITNESS_CHANGED = "fitness_changed", "Fitness changed"
    DISEASE_PROGRESSED = "disease_progressed", "Disease progressed"
    UNSUITABLE = "unsuitable", "Found unsuitable at treatment"
    DIED = "died", "Died"
    TRANSFERRED = "transferred", "Transferred"
    OTHER = "other", "Other"


class DecidedOption(models.Model):
    """One option of a signed decision as the board settled it, in a row of its own so that concordance and
    implementation can be counted in the database (the decision keeps the same in its signed JSON).

    Written when a decision is signed (meetings.services.sign_decision), one row per option of its outcomes.
    `current` marks the rows of the head signed version of the item: signing an amendment clears the rows of
    the version it amends, so that an amended decision counts once. The board's verdict fields copy the signed
    content and never change; the implementation fields (status, when, why) are kept up to date by the
    coordinators afterwards and are not part of the signed record. Options the board rejected are not planned
    (status empty).
    """

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="decided_options")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decided_options")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decided_options")
    meeting_date = models.DateField(help_text="The local date of the meeting that decided (for periods).")
    current = models.BooleanField(default=True)
    code = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    engine_verdict = models.CharField(max_length=20)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    departure = models.BooleanField(help_text="The board's outcome departs from the engine's verdict.")
    board_reason = models.TextField(blank=True, help_text="The board's reason for the outcome, as signed.")
    guideline_version = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=ImplementationStatus.choices, blank=True)
    happened_on = models.DateField("date", null=True, blank=True)
    cause = models.CharField("reason", max_length=20, choices=DepartureCause.choices, blank=True)
    cause_text = models.TextField("details", max_length=2000, blank=True)
    lock_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "code"], name="decided_option_unique"),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.REJECT, status="") | (~Q(outcome=Outcome.REJECT) & ~Q(status="")),
                name="decided_option_planned_unless_rejected",
            ),
        ]
        indexes = [
            models.Index(fields=["current", "meeting_date"], name="decided_option_period"),
            models.Index(fields=["current", "status", "happened_on"], name="decided_option_worklist"),
            # The follow-up worklist, most overdue first (meetings.tracking): partial, so that the treatments
            # done long ago, most of the table after a few years, are not walked through to find the open ones.
            models.Index(
                fields=["meeting_date", "id"],
                condition=Q(current=True, status="planned"),
                name="decided_option_overdue",
            ),
            models.Index(
                fields=["meeting_date", "id"],
                condition=Q(current=True, status__in=["done", "not_done", "changed"], happened_on__isnull=True),
                name="decided_option_undated",
            ),
            # The board's decision -> treatment interval: the period's treatments done with their date, read from
            # the index alone (a fifth of the period's options, not all of them from the table).
            models.Index(
                fields=["meeting_date", "decision", "happened_on"],
                condition=Q(current=True, status="done", happened_on__isnull=False),
                name="decided_option_done_by_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.get_outcome_display()}"

    @property
    def is_planned_treatment(self) -> bool:
        """Return whether the board decided to do this option (accepted or modified)."""
        return self.outcome != Outcome.REJECT


class ActionProgress(models.Model):
    """That a follow-up action of a signed decision was done, and when: kept beside the signed record (the
    action itself is part of the signed content and never changes). No row: not done yet. Signing an amendment
    carries the row over to the amendment's copy of the same action (meetings.services.carry_action_progress).
    """

    action = models.OneToOneField(FollowUpAction, on_delete=models.PROTECT, related_name="progress")
    done_on = models.DateField("done on")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "action progress"

    def __str__(self) -> str:
        return f"{self.action}: done {self.done_on:%d %b %Y}"
