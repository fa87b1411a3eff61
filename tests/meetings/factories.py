"""Builders for meetings, agenda items and decisions, and the decision form's POST data."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.meetings import services
from cases.meetings.models import AgendaItem, Decision, Meeting, MeetingStatus
from cases.pathways import guideline_versions
from cases.pathways.engine import Guideline, Verdict
from cases.pathways.services import assess
from tests.patients.factories import STAGE_IV, make_case

# The options of a STAGE_IV case (engine defaults): what the engine says about the ones the tests touch.
RECOMMENDED = "liver_resection"
CONSIDERED = "rfa"
NOT_RECOMMENDED = "liver_transplant"


def make_meeting(chair, status: str = MeetingStatus.IN_PROGRESS, **overrides) -> Meeting:
    # A planned meeting lies ahead; one in progress or closed began an hour ago (signing earlier needs a reason).
    ahead = timedelta(days=2) if status == MeetingStatus.PLANNED else -timedelta(hours=1)
    values = {
        "title": "Neuroendocrine tumour board",
        "scheduled_at": timezone.now() + ahead,
        "location": "Seminar room 2",
        "chair": chair,
        "status": status,
    }
    values.update(overrides)
    return Meeting.objects.create(**values)


def add_item(meeting: Meeting, case=None, **overrides) -> AgendaItem:
    position = (meeting.agenda_items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    values = {"position": position, "planned_minutes": 10}
    values.update(overrides)
    return AgendaItem.objects.create(meeting=meeting, case=case or make_case(**STAGE_IV), **values)


def agreeing_outcome(verdict: Verdict) -> str:
    """The outcome that needs no reason: do what is recommended or considered, skip the rest."""
    return "reject" if verdict == Verdict.NOT_RECOMMENDED else "accept"


def decision_post(item: AgendaItem, *, lock_version: int = 0, guideline: Guideline | None = None, **changes) -> dict:
    """The decision form as a browser sends it: engine-agreeing outcomes, a plan and one follow-up action.

    CHANGES override any field, e.g. outcome_rfa="reject", reason_rfa="...", plan="...".
    """
    assessment = assess(item.case, guideline or guideline_versions.active_guideline()).assessment
    data = {
        "lock_version": lock_version,
        "case_version": item.case.version,
        "plan": "Resect the primary and both liver metastases in one operation.",
        "treatment_intent": "curative",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "10",
        "actions-0-what": "Book one-stage resection",
        "actions-0-owner": "Surgery",
        "actions-0-due_date": "2026-12-15",
        "actions-1-what": "",
        "actions-1-owner": "",
        "actions-1-due_date": "",
    }
    for rec in assessment.recommendations:
        data[f"outcome_{rec.code}"] = agreeing_outcome(rec.verdict)
        data[f"reason_{rec.code}"] = ""
    data.update(changes)
    return data


def save_url(item: AgendaItem) -> str:
    return reverse("meetings:decision_save", kwargs={"public_id": item.meeting.public_id, "item_id": item.public_id})


def present_url(item: AgendaItem) -> str:
    return reverse("meetings:present_item", kwargs={"public_id": item.meeting.public_id, "item_id": item.public_id})


def record(item: AgendaItem, user, *, guideline: Guideline | None = None, plan: str = "Operate.", **kw) -> Decision:
    """Record a draft decision through the service: agreeing with the engine, except for the options named in
    CHOICES ({code: (outcome, reason)})."""
    guideline = guideline or guideline_versions.active_guideline()
    assessment = assess(item.case, guideline).assessment
    choices = kw.pop("choices", {})
    outcomes = [
        {
            "code": rec.code,
            "title": rec.title,
            "engine_verdict": rec.verdict.value,
            "outcome": choices.get(rec.code, (agreeing_outcome(rec.verdict), ""))[0],
            "reason": choices.get(rec.code, (None, ""))[1],
        }
        for rec in assessment.recommendations
    ]
    head = services.head_decision(item)
    content = services.DecisionContent(
        outcomes=outcomes,
        plan=plan,
        rediscuss=kw.pop("rediscuss", False),
        treatment_intent=kw.pop("treatment_intent", "curative"),
        actions=kw.pop("actions", [{"what": "Book surgery", "owner": "Surgery", "due_date": None}]),
    )
    return services.record_decision(
        item,
        content,
        assessment=assessment,
        guideline=guideline,
        loaded_lock_version=head.lock_version if head else 0,
        user=user,
        **kw,
    )


def signed(item: AgendaItem, author, chair, **kw) -> Decision:
    """Record and sign a decision; return it as stored."""
    draft = record(item, author, **kw)
    return services.sign_decision(draft, chair, draft.lock_version)
