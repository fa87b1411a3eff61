"""A year of past board meetings for `manage.py seed_demo`, so that the follow-up worklist and the board's
figures (issue 20) show something true on first run.

Fortnightly meetings from a year before the first run up to three weeks before it, 3 to 8 cases each, built
through the app's own services: decisions recorded and signed by the chair (so they are real signed records
with their DecidedOption rows), some departures from the engine with the board's reason, a few amendments,
cases deferred to the next meeting or not discussed (close_meeting), quorum sometimes not met (the
pathologist absent), minutes per case as meeting mode records them, and what became of each planned
treatment through the tracking service: mostly done, about 7-9% not done (mostly patient choice, the figure
issue 20 cites from the MDT literature), a few changed, a few still planned long after the meeting (overdue)
or done without a date.

Deterministic: one seeded random generator per meeting, so every machine gets the same board history
(relative to the day of the first run). Idempotent: each meeting has a fixed public_id and is skipped when it
exists; a second run only checks that the meetings are there. The cases are fictional patients DEMO-1001...,
each a copy of one of the demo cases' findings.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cases.meetings import services, tracking
from cases.meetings.demo import GUESTS, LOCATION, VIDEO, _record
from cases.meetings.models import (
    AgendaItem,
    Attendance,
    DecidedOption,
    DepartureCause,
    ImplementationStatus,
    Meeting,
    MeetingStatus,
    Outcome,
    TreatmentIntent,
)
from cases.meetings.scale import FAMILY_NAMES, FEMALE, MALE
from cases.pathways.guideline_versions import active_guideline
from cases.pathways.services import assess
from cases.pathways.steps import STEPS
from cases.patients.demo import DEMO_CASES
from cases.patients.models import Case, CaseStatus, Patient
from cases.patients.services import save_patient
from cases.specialties import Specialty

NAMESPACE = uuid.UUID("5e1a0d5e-0000-4000-8000-0000000000ff")
MEETINGS = 26  # fortnightly for a year
EVERY = timedelta(days=14)
LAST_AGO = timedelta(days=21)  # the most recent of them; the demo's own past meeting is a week ago
HOSPITAL_NUMBER = "DEMO-{:04d}"
FIRST_NUMBER = 1001

# What the board decides per demo case template (index into DEMO_CASES): the plan and its intent.
PLANS = [
    ("Limited resection of the small jejunal primary; surveillance afterwards.", TreatmentIntent.CURATIVE),
    ("No further treatment after the R0 resection: surveillance with CT/MRI and chromogranin A.",
     TreatmentIntent.SURVEILLANCE),
    ("Resection of the primary with mesenteric lymphadenectomy; re-discuss with the final histology.",
     TreatmentIntent.CURATIVE),
    ("One-stage resection of the primary, the nodes and the liver metastases with octreotide cover.",
     TreatmentIntent.CURATIVE),
    ("Liver-directed treatment of the liver metastases; somatostatin analogue.", TreatmentIntent.PALLIATIVE),
    ("Somatostatin analogue; liver-directed options reviewed at progression.", TreatmentIntent.PALLIATIVE),
    ("Complete the work-up (functional imaging, echocardiography), then bring back.", TreatmentIntent.FURTHER_WORKUP),
    ("Systemic treatment for the high-grade disease; no surgery.", TreatmentIntent.PALLIATIVE),
]  # fmt: skip
DEPARTURE_REASONS = {
    Outcome.REJECT: [
        "The patient declined surgery after discussion of the risks.",
        "Frailty: the board judged the operation's risk too high for this patient.",
        "The patient prefers to continue the somatostatin analogue and be reviewed.",
    ],
    Outcome.MODIFY: [
        "Staged rather than one-stage: the liver surgeon operates second.",
        "Laparoscopic approach instead of open, given the small primary.",
    ],
}
# How treatments that were not carried out as decided went (the coded reasons), weighted: patient choice first.
NOT_DONE_CAUSES = [
    (DepartureCause.PATIENT_CHOICE, 6), (DepartureCause.FITNESS_CHANGED, 2), (DepartureCause.DISEASE_PROGRESSED, 1),
    (DepartureCause.DIED, 1), (DepartureCause.TRANSFERRED, 1),
]  # fmt: skip
CHANGED_CAUSES = [
    (DepartureCause.UNSUITABLE, 3), (DepartureCause.DISEASE_PROGRESSED, 2), (DepartureCause.FITNESS_CHANGED, 1),
    (DepartureCause.OTHER, 1),
]  # fmt: skip


@dataclass
class _Board:
    coordinator: object
    chair: object
    clinician: object
    today: date


def meeting_id(n: int) -> uuid.UUID:
    """The fixed public_id of year meeting N (0 the oldest)."""
    return uuid.uuid5(NAMESPACE, f"meeting-{n}")


def seed_year(coordinator, chair, clinician, now: datetime | None = None) -> int:
    """Hold the year's meetings that were not held yet (oldest first) and return how many were held."""
    now = now or timezone.now()
    board = _Board(coordinator, chair, clinician, timezone.localdate(now))
    # A meeting still planned is one a case was deferred to (or a run that stopped early): it is held now.
    held = set(
        Meeting.objects.filter(public_id__in=[meeting_id(n) for n in range(MEETINGS)])
        .exclude(status=MeetingStatus.PLANNED)
        .values_list("public_id", flat=True)
    )
    if len(held) == MEETINGS:
        return 0
    first = _at(now - LAST_AGO - EVERY * (MEETINGS - 1))
    number = _next_number()
    count = 0
    for n in range(MEETINGS):
        if meeting_id(n) in held:
            continue
        rng = random.Random(f"sinen-demo-year-{n}")  # noqa: S311 (made-up data, reproducible)
        _hold_meeting(n, first + EVERY * n, rng, board, number)
        number = _next_number()
        count += 1
    return count


def _at(moment: datetime) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localtime(moment).date(), time(16, 0)))


def _next_number() -> int:
    last = Patient.objects.filter(hospital_number__startswith="DEMO-1").order_by("-hospital_number").first()
    return int(last.hospital_number.removeprefix("DEMO-")) + 1 if last else FIRST_NUMBER


def _new_case(number: int, rng: random.Random, meeting_at: datetime) -> Case:
    """A fictional patient with one case: a copy of a demo case's findings, referred weeks before the meeting."""
    template = rng.randrange(len(DEMO_CASES))
    demo = DEMO_CASES[template]
    female = rng.random() < 0.5
    patient = save_patient(
        Patient(
            hospital_number=HOSPITAL_NUMBER.format(number),
            family_name=rng.choice(FAMILY_NAMES),
            given_name=rng.choice(FEMALE if female else MALE),
            date_of_birth=date(1940, 1, 1) + timedelta(days=rng.randrange(45 * 365)),
            sex="female" if female else "male",
        )
    )
    referred = timezone.localdate(meeting_at) - timedelta(days=rng.randint(8, 40))
    case = Case(
        patient=patient, question=demo["question"], referral_date=referred, status=CaseStatus.READY,
        referring_clinician="Dr R. Demo, Gastroenterology", **demo["findings"],
    )  # fmt: skip
    at = timezone.make_aware(datetime.combine(referred, time(9))).isoformat()
    case.step_versions = {
        step.slug: {"version": 1, "by": "Maya Okafor", "at": at}
        for step in STEPS
        if any(name in demo["findings"] for name in step.fields)
    }
    # The findings are a demo case's, which seed_demo validates in full (model and engine) on every run.
    case.save()
    return case


def _template(case: Case) -> int:
    """The demo case CASE copies (its question is the template's)."""
    return next(n for n, demo in enumerate(DEMO_CASES) if demo["question"] == case.question)


def _meeting(n: int, start: datetime, board: _Board) -> Meeting:
    meeting, _ = Meeting.objects.get_or_create(
        public_id=meeting_id(n),
        defaults={
            "title": "Neuroendocrine tumour board", "scheduled_at": start, "location": LOCATION, "video_url": VIDEO,
            "chair": board.chair, "created_by": board.coordinator,
        },
    )  # fmt: skip
    return meeting


def _hold_meeting(n: int, start: datetime, rng: random.Random, board: _Board, number: int) -> None:
    """Hold year meeting N: the cases deferred to it and new ones up to 3-8, decided, deferred or not discussed."""
    meeting = _meeting(n, start, board)
    pathologist_away = rng.random() < 0.15  # quorum not met: pathology is a core specialty
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, user=board.chair, specialty=Specialty.SURGERY),
            Attendance(meeting=meeting, user=board.clinician, specialty=Specialty.MEDICAL_ONCOLOGY),
            Attendance(meeting=meeting, user=board.coordinator, specialty=Specialty.COORDINATION),
            *(
                Attendance(meeting=meeting, name=name, specialty=specialty, remote=rng.random() < 0.2,
                           present=not (pathologist_away and specialty == Specialty.PATHOLOGY))
                for name, specialty in GUESTS
            ),
        ]
    )  # fmt: skip
    services.change_status(meeting, "start")
    carried = meeting.agenda_items.count()
    for k in range(max(0, rng.randint(3, 8) - carried)):
        services.add_to_agenda(meeting, _new_case(number + k, rng, start), board.clinician, 10)
    guideline = active_guideline()
    settle: dict[int, Meeting | None] = {}
    clock = start
    for item in meeting.agenda_items.select_related("case").order_by("position"):
        roll = rng.random()
        if roll < 0.06 and n < MEETINGS - 1:
            settle[item.pk] = _meeting(n + 1, start + EVERY, board)
        elif roll < 0.09:
            settle[item.pk] = None  # not discussed: the meeting ran out of time
        else:
            seconds = rng.randint(90, 540)
            clock += timedelta(seconds=seconds)
            AgendaItem.objects.filter(pk=item.pk).update(discussion_seconds=seconds)
            _decide(item, item.case, rng, guideline, clock, board)
    services.close_meeting(meeting, settle)


def _decide(item: AgendaItem, case: Case, rng: random.Random, guideline, at: datetime, board: _Board) -> None:
    """Record and sign the board's decision on ITEM at AT (sometimes departing from the engine, sometimes amended
    a few days later), then record what became of each planned treatment."""
    plan, intent = PLANS[_template(case)]
    recommendations = assess(case, guideline).assessment.recommendations
    outcomes = {}
    for rec in recommendations:
        if rec.verdict == "consider" and rng.random() < 0.3:
            outcomes[rec.code] = (Outcome.ACCEPT, "")
        elif rec.verdict == "recommended" and rng.random() < 0.08:
            choice = Outcome.REJECT if rng.random() < 0.6 else Outcome.MODIFY
            outcomes[rec.code] = (choice, rng.choice(DEPARTURE_REASONS[choice]))
    content = {"plan": plan, "intent": intent, "outcomes": outcomes, "rediscuss": rng.random() < 0.08}
    content["actions"] = [("Letter to the GP and the referrer", "Coordinator", 7)]
    if rng.random() < 0.5:
        content["actions"].append(("Clinic appointment to discuss the plan with the patient", "Specialist nurse", 14))
    decision = _record(item, content, board.clinician, guideline, at, loaded_lock_version=0)
    decision = services.sign_decision(decision, board.chair, decision.lock_version, now=at + timedelta(seconds=30))
    if rng.random() < 0.04:
        amended_at = at + timedelta(days=rng.randint(1, 5))
        draft = services.amend_decision(decision, board.clinician, "Histology review after the meeting.", amended_at)
        content["plan"] = f"{plan} Amended after the histology review."
        draft = _record(item, content, board.clinician, guideline, amended_at, draft.lock_version)
        decision = services.sign_decision(draft, board.chair, draft.lock_version, now=amended_at + timedelta(hours=1))
    for row in DecidedOption.objects.filter(decision=decision, status=ImplementationStatus.PLANNED).order_by("pk"):
        _follow_up(row, rng, board)
    for action in decision.actions.order_by("position"):
        done_on = action.due_date + timedelta(days=rng.randint(-5, 3))
        # Most actions are ticked off around their due date; a few are forgotten (the worklist's overdue ones).
        if done_on <= board.today and rng.random() < 0.92:
            tracking.mark_action_done(action, max(done_on, timezone.localdate(at)), board.coordinator, board.today)


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _follow_up(row: DecidedOption, rng: random.Random, board: _Board) -> None:
    """Record what became of the planned treatment ROW, as a coordinator would have over the months."""
    happened = row.meeting_date + timedelta(days=rng.randint(7, 70))
    roll = rng.random()
    if happened > board.today or roll < 0.04:
        return  # not yet (or never) followed up: still planned, overdue once the meeting is weeks old
    if roll < 0.12:
        update = tracking.TreatmentUpdate(ImplementationStatus.NOT_DONE, happened, _weighted(rng, NOT_DONE_CAUSES))
    elif roll < 0.14:
        cause = _weighted(rng, CHANGED_CAUSES)
        text = "Converted to a debulking procedure at operation." if cause == DepartureCause.OTHER else ""
        update = tracking.TreatmentUpdate(ImplementationStatus.CHANGED, happened, cause, text)
    else:
        # A few were recorded as done without the date (the worklist asks for it).
        update = tracking.TreatmentUpdate(ImplementationStatus.DONE, None if roll > 0.97 else happened)
    tracking.update_treatment(row, update, loaded_lock_version=row.lock_version, user=board.coordinator,
                              today=board.today)  # fmt: skip
