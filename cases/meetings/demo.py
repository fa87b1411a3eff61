"""Demo meetings for `manage.py seed_demo`: a closed meeting with signed decisions (one amended) and an
upcoming planned one, built from the demo cases DEMO-0001..0008 through the same services the app uses.

Idempotent: each demo meeting has a fixed public_id and is only created when missing, so signed rows are
never saved again (they could not be: the model and the database refuse it). Dates are relative to the
day of the first run: the past meeting a week before, the upcoming one a week after.
"""

import uuid
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cases.meetings import services
from cases.meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingStatus,
    Outcome,
    TreatmentIntent,
)
from cases.pathways.engine import Verdict
from cases.pathways.guideline_versions import active_guideline
from cases.pathways.services import assess
from cases.patients.models import Case
from cases.specialties import Specialty

PAST_MEETING = uuid.UUID("5e1a0d5e-0000-4000-8000-000000000001")
UPCOMING_MEETING = uuid.UUID("5e1a0d5e-0000-4000-8000-000000000002")
LOCATION = "Seminar room 2, Surgery building"
VIDEO = "https://video.hospital.invalid/net-board"

GUESTS = [
    ("Dr Kenji Ito", Specialty.RADIOLOGY),
    ("Dr Lucia Ferreira", Specialty.PATHOLOGY),
    ("Dr Ana Novak", Specialty.NUCLEAR_MEDICINE),
    ("Dr Pieter de Vries", Specialty.INTERVENTIONAL_RADIOLOGY),
]

# What the board decided at the past meeting, per demo case. "consider" options not listed are rejected;
# everything else follows the engine unless listed with a reason.
PAST_DECISIONS = {
    "DEMO-0002": {
        "plan": "No further treatment: R0 resection, node negative, G1. Surveillance with CT/MRI and chromogranin A "
        "at 6 and 12 months, then yearly.",
        "intent": TreatmentIntent.SURVEILLANCE,
        "outcomes": {},
        "actions": [("Surveillance CT/MRI and chromogranin A", "Gastroenterology clinic", 180)],
    },
    "DEMO-0003": {
        "plan": "Right hemicolectomy with mesenteric lymphadenectomy (at least 8 nodes) by open approach. No "
        "prophylactic cholecystectomy. Re-discuss with the final histology.",
        "intent": TreatmentIntent.CURATIVE,
        "outcomes": {
            "prophylactic_cholecystectomy": (
                Outcome.REJECT,
                "No somatostatin analogue is planned after an expected R0 resection; the patient prefers no "
                "additional procedure.",
            ),
        },
        "rediscuss": True,
        "actions": [
            ("Book right hemicolectomy", "Dr Jonas Lindqvist, Surgery", 21),
            ("Bring the final histology back to the board", "Coordinator", 56),
        ],
    },
    "DEMO-0004": {
        "plan": "One-stage resection: right hemicolectomy with lymphadenectomy and resection of both liver "
        "metastases, with perioperative octreotide cover and prophylactic cholecystectomy.",
        "intent": TreatmentIntent.CURATIVE,
        "outcomes": {},
        "actions": [
            ("Book one-stage resection", "Dr Jonas Lindqvist, Surgery", 28),
            ("Octreotide infusion plan for surgery", "Anaesthesia", 21),
        ],
    },
}
AMENDMENT = {
    "case": "DEMO-0004",
    "reason": "Radiology review after the meeting: the segment 7 metastasis lies deep near the right hepatic vein "
    "and is better ablated than resected.",
    "plan": "One-stage resection: right hemicolectomy with lymphadenectomy, resection of the segment 3 "
    "metastasis and intraoperative microwave ablation of the segment 7 metastasis, with perioperative "
    "octreotide cover and prophylactic cholecystectomy.",
    "outcomes": {
        "liver_resection": (Outcome.MODIFY, "Segment 3 metastasis only; the deep segment 7 lesion is ablated."),
        "mwa": (Outcome.ACCEPT, ""),
    },
}
UPCOMING_AGENDA = [
    ("DEMO-0001", "clinician", 8),
    ("DEMO-0005", "clinician", 12),
    ("DEMO-0006", "clinician", 15),
    ("DEMO-0007", None, 10),
    ("DEMO-0008", "clinician", 12),
]


def seed_meetings(coordinator, chair, clinician=None, now: datetime | None = None) -> None:
    """Create the demo meetings if they do not exist yet (see the module docstring)."""
    now = now or timezone.now()
    clinician = clinician or chair
    # Not one transaction: signing renders each PDF before its own short durable transaction, as in the app.
    if not Meeting.objects.filter(public_id=PAST_MEETING).exists():
        _past_meeting(coordinator, chair, clinician, now)
    with transaction.atomic():
        # seed_demo resets every demo case's status; put back what the signed decisions made of them.
        for decision in _signed_heads():
            services.update_case_status(decision)
        if not Meeting.objects.filter(public_id=UPCOMING_MEETING).exists():
            _upcoming_meeting(coordinator, chair, clinician, now)


def _at(day: datetime, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localtime(day).date(), time(hour, 0)))


def _case(hospital_number: str) -> Case:
    return Case.objects.select_related("patient").filter(patient__hospital_number=hospital_number).earliest("pk")


def _past_meeting(coordinator, chair, clinician, now: datetime) -> None:
    start = _at(now - timedelta(days=7), 16)
    meeting = Meeting.objects.create(
        public_id=PAST_MEETING,
        title="Neuroendocrine tumour board",
        scheduled_at=start,
        location=LOCATION,
        video_url=VIDEO,
        chair=chair,
        status=MeetingStatus.IN_PROGRESS,
        created_by=coordinator,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, user=chair, specialty=Specialty.SURGERY),
            Attendance(meeting=meeting, user=clinician, specialty=Specialty.MEDICAL_ONCOLOGY),
            Attendance(meeting=meeting, user=coordinator, specialty=Specialty.COORDINATION),
            *(Attendance(meeting=meeting, name=name, specialty=specialty) for name, specialty in GUESTS),
        ]
    )
    guideline = active_guideline()
    for position, (hospital_number, plan) in enumerate(PAST_DECISIONS.items(), 1):
        item = AgendaItem.objects.create(
            meeting=meeting, case=_case(hospital_number), position=position, presenter=clinician, planned_minutes=10
        )
        recorded = start + timedelta(minutes=10 * position)
        decision = _record(item, plan, clinician, guideline, recorded, loaded_lock_version=0)
        decision = services.sign_decision(decision, chair, decision.lock_version, now=recorded + timedelta(minutes=1))
        if hospital_number == AMENDMENT["case"]:
            amended_at = now - timedelta(days=2)
            draft = services.amend_decision(decision, clinician, AMENDMENT["reason"], now=amended_at)
            draft = _record(item, {**plan, **AMENDMENT}, clinician, guideline, amended_at, draft.lock_version)
            services.sign_decision(draft, chair, draft.lock_version, now=amended_at + timedelta(hours=1))
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CLOSED)


def _record(item, plan: dict, user, guideline, at: datetime, loaded_lock_version: int) -> Decision:
    assessment = assess(item.case, guideline).assessment
    chosen = plan.get("outcomes", {})
    outcomes = []
    for rec in assessment.recommendations:
        outcome, reason = chosen.get(rec.code, (_agreeing(rec.verdict), ""))
        outcomes.append(
            {
                "code": rec.code,
                "title": rec.title,
                "engine_verdict": rec.verdict.value,
                "outcome": outcome.value,
                "reason": reason,
            }
        )
    content = services.DecisionContent(
        outcomes=outcomes,
        plan=plan["plan"],
        rediscuss=plan.get("rediscuss", False),
        treatment_intent=plan["intent"],
        actions=[
            {"what": what, "owner": owner, "due_date": (at + timedelta(days=days)).date()}
            for what, owner, days in plan.get("actions", [])
        ],
    )
    return services.record_decision(
        item,
        content,
        assessment=assessment,
        guideline=guideline,
        loaded_lock_version=loaded_lock_version,
        user=user,
        now=at,
    )


def _agreeing(verdict: Verdict) -> Outcome:
    return Outcome.ACCEPT if verdict == Verdict.RECOMMENDED else Outcome.REJECT


def _signed_heads() -> list[Decision]:
    """The latest signed version of each demo decision chain of the past meeting."""
    heads = {}
    decisions = Decision.objects.filter(agenda_item__meeting__public_id=PAST_MEETING, status=DecisionStatus.SIGNED)
    for decision in decisions.order_by("agenda_item", "version"):
        heads[decision.agenda_item_id] = decision
    return list(heads.values())


def _upcoming_meeting(coordinator, chair, clinician, now: datetime) -> None:
    meeting = Meeting.objects.create(
        public_id=UPCOMING_MEETING,
        title="Neuroendocrine tumour board",
        scheduled_at=_at(now + timedelta(days=7), 16),
        location=LOCATION,
        video_url=VIDEO,
        chair=chair,
        created_by=coordinator,
    )
    presenters = {"clinician": clinician, None: None}
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            case=_case(hospital_number),
            position=position,
            presenter=presenters[presenter],
            planned_minutes=minutes,
        )
        for position, (hospital_number, presenter, minutes) in enumerate(UPCOMING_AGENDA, 1)
    )
    # The invitation list; the coordinator marks who is present when the meeting starts.
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, user=chair, specialty=Specialty.SURGERY, present=False),
            Attendance(meeting=meeting, user=clinician, specialty=Specialty.MEDICAL_ONCOLOGY, present=False),
            Attendance(meeting=meeting, user=coordinator, specialty=Specialty.COORDINATION, present=False),
            *(Attendance(meeting=meeting, name=n, specialty=s, present=False) for n, s in GUESTS),
        ]
    )
