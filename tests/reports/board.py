"""A quarter of the board's work whose figures are counted by hand in tests/reports/test_board_figures.py.

Q3 2026 (1 July to 30 September), two meetings, and around them what the figures must leave out:
- Meeting A (15 July): quorum met (surgery, medical oncology, radiology, pathology, nuclear medicine present).
  a1: referred 1 July, decided agreeing with the engine, 2 minutes; its recommended option done on 29 July;
      one follow-up action due 1 August (overdue on 1 December).
  a2: referred 15 June, decided departing (the recommended liver resection rejected), 5 minutes; its other
      planned options not done (patient choice).
  a3: deferred to the planned meeting C; a4: not discussed (the meeting is closed with both settled).
- Meeting B (20 August): surgery absent, quorum not met.
  b1: referred 1 August, work-up complete, decided, then amended (signed): counts once; 200 s; the
      amendment's first treatment done on 19 September; the original's action (due 1 August) is superseded
      by the amendment's copy of it (overdue once).
  b2: a1's case again: discussed, but not its first decision; under an older guideline version "2025-old"
      whose ablation limit makes RFA not recommended, and the board accepted RFA: a departure from THAT
      version; 400 s.
- Meeting C (planned, 30 September) and meeting D (10 October, Q4, one decision): left out of Q3.
"""

from dataclasses import replace
from datetime import UTC, date, datetime

from cases.meetings import services
from cases.meetings.models import Attendance, DecidedOption, DepartureCause, ImplementationStatus, MeetingStatus
from cases.pathways.guideline_versions import active_guideline
from tests.meetings.factories import RECOMMENDED, add_item, make_meeting, signed
from tests.patients.factories import STAGE_IV, STAGE_IV_COMPLETE, make_case

TODAY = date(2026, 12, 1)
QUORUM = ("surgery", "medical_oncology", "radiology", "pathology", "nuclear_medicine")
OLD = "2025-old"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 16, tzinfo=UTC)


def attend(meeting, specialties) -> None:
    for n, specialty in enumerate(specialties):
        Attendance.objects.create(meeting=meeting, name=f"Member {n}", specialty=specialty, present=True)
    # An absent member of a missing specialty does not count.
    Attendance.objects.create(meeting=meeting, name="Absent surgeon", specialty="surgery", present=False)


def done(decision, code: str, on: date) -> None:
    DecidedOption.objects.filter(decision=decision, code=code).update(status=ImplementationStatus.DONE, happened_on=on)


def build(clinician, chair) -> dict:
    a = make_meeting(chair, scheduled_at=at(date(2026, 7, 15)))
    b = make_meeting(chair, scheduled_at=at(date(2026, 8, 20)))
    c = make_meeting(chair, status=MeetingStatus.PLANNED, scheduled_at=at(date(2026, 9, 30)))
    d = make_meeting(chair, scheduled_at=at(date(2026, 10, 10)))
    attend(a, QUORUM)
    attend(b, QUORUM[1:])

    case1 = make_case(referral_date=date(2026, 7, 1), **STAGE_IV)
    a1 = add_item(a, case=case1, discussion_seconds=120)
    due = [{"what": "Book surgery", "owner": "Surgery", "due_date": date(2026, 8, 1)}]
    d_a1 = signed(a1, clinician, chair, actions=due)
    done(d_a1, RECOMMENDED, date(2026, 7, 29))

    a2 = add_item(a, case=make_case(referral_date=date(2026, 6, 15), **STAGE_IV), discussion_seconds=300)
    d_a2 = signed(a2, clinician, chair, choices={RECOMMENDED: ("reject", "The patient declined surgery.")})
    DecidedOption.objects.filter(decision=d_a2, status=ImplementationStatus.PLANNED).update(
        status=ImplementationStatus.NOT_DONE, cause=DepartureCause.PATIENT_CHOICE
    )
    a3, a4 = add_item(a), add_item(a)
    services.close_meeting(a, {a3.pk: c, a4.pk: None})

    b1 = add_item(b, case=make_case(referral_date=date(2026, 8, 1), **STAGE_IV_COMPLETE), discussion_seconds=200)
    original = signed(b1, clinician, chair, actions=due)
    draft = services.amend_decision(original, clinician, "Histology came back.")
    amendment = services.sign_decision(draft, chair, draft.lock_version)
    done(amendment, RECOMMENDED, date(2026, 9, 19))

    old = replace(active_guideline(), version=OLD, ablation_max_lesions=2)
    b2 = add_item(b, case=case1, discussion_seconds=400)
    d_b2 = signed(b2, clinician, chair, guideline=old, choices={"rfa": ("accept", "Small lesions, ablate.")})

    d1 = add_item(d, case=make_case(referral_date=date(2026, 9, 1), **STAGE_IV), discussion_seconds=60)
    signed(d1, clinician, chair)
    add_item(c)
    return {"a": a, "b": b, "c": c, "d": d, "a1": a1, "a2": a2, "a3": a3, "a4": a4, "b1": b1, "b2": b2,
            "d_a1": d_a1, "d_a2": d_a2, "original": original, "amendment": amendment, "d_b2": d_b2}  # fmt: skip


def build_busy_quarter(clinician, chair, seed: int = 20) -> list:
    """A fuller Q3 2026 for the screenshots: twelve weekly meetings of three to six cases with timed discussions,
    a share of departures, treatments done, not done and changed, and quorum missed twice. Reproducible."""
    import random
    from datetime import timedelta

    rng = random.Random(seed)  # noqa: S311 (made-up data)
    causes = list(DepartureCause.values)
    meetings = []
    later = make_meeting(chair, status=MeetingStatus.PLANNED, scheduled_at=at(date(2026, 10, 7)))
    for week in range(12):
        day = date(2026, 7, 1) + timedelta(days=7 * week)
        meeting = make_meeting(chair, scheduled_at=at(day))
        attend(meeting, QUORUM if week not in {3, 8} else QUORUM[:-1])
        items = []
        for _ in range(rng.randint(3, 6)):
            findings = STAGE_IV_COMPLETE if rng.random() < 0.7 else STAGE_IV
            case = make_case(referral_date=day - timedelta(days=rng.randint(7, 60)), **findings)
            items.append(add_item(meeting, case=case, discussion_seconds=rng.randint(90, 420)))
        settle = {}
        for item in items:
            roll = rng.random()
            if roll < 0.1:
                settle[item.pk] = later
                continue
            if roll < 0.15:
                settle[item.pk] = None
                continue
            choices = {}
            if rng.random() < 0.25:
                choices[RECOMMENDED] = ("reject", "The patient preferred surveillance.")
            if rng.random() < 0.15:
                choices["rfa"] = ("modify", "Microwave ablation instead of RFA.")
            decision = signed(item, clinician, chair, choices=choices)
            for option in DecidedOption.objects.filter(decision=decision, status=ImplementationStatus.PLANNED):
                fate = rng.random()
                if fate < 0.6:
                    option.status, option.happened_on = ImplementationStatus.DONE, day + timedelta(rng.randint(5, 60))
                elif fate < 0.75:
                    option.status, option.cause = ImplementationStatus.NOT_DONE, rng.choice(causes)
                elif fate < 0.82:
                    option.status, option.cause = ImplementationStatus.CHANGED, rng.choice(causes)
                else:
                    continue
                DecidedOption.objects.filter(pk=option.pk).update(
                    status=option.status, happened_on=option.happened_on, cause=option.cause
                )
        services.close_meeting(meeting, settle)
        meetings.append(meeting)
    return meetings
