"""A bench board: a meeting in progress with stage IV cases and a draft decision each (bench/pdf.py, bench/signoff.py).

Import after django.setup(), in a throwaway database the script has chosen.
"""

from datetime import date

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from cases.meetings import services
from cases.meetings.models import Meeting
from cases.pathways.guideline_versions import active_guideline
from cases.pathways.services import assess
from cases.patients.models import Case, Patient
from tests.patients.factories import STAGE_IV

# The tests' stage IV case (two liver metastases in one lobe), with the work-up done.
FINDINGS = {
    **STAGE_IV,
    "sstr_imaging_done": True,
    "urine_5hiaa_measured": True,
    "chromogranin_a_measured": True,
    "histology_available": True,
}


def seed_board(cases: int) -> Meeting:
    """Migrate, then make a chair and a meeting in progress with CASES cases, each with a draft decision."""
    call_command("migrate", verbosity=0)
    chair = User.objects.create_user("chair", first_name="Helena", last_name="Marsh")
    chair.groups.add(Group.objects.get(name="chair"))
    meeting = Meeting.objects.create(
        title="Bench board", scheduled_at=timezone.now(), location="Room 1", chair=chair, status="in_progress"
    )
    guideline = active_guideline()
    for n in range(cases):
        patient = Patient.objects.create(
            hospital_number=f"B{n:05d}", family_name=f"Family{n}", given_name="Given",
            date_of_birth=date(1960, 1, 1), sex="female",
        )  # fmt: skip
        case = Case.objects.create(
            patient=patient, referral_date=date(2026, 10, 1), referring_clinician="Dr Bench",
            question="One-stage resection of primary, nodes and liver metastases?", **FINDINGS,
        )  # fmt: skip
        case.refresh_from_db()
        item = services.add_to_agenda(meeting, case, None, 10)
        assessment = assess(case, guideline).assessment
        outcomes = [
            {"code": r.code, "title": r.title, "engine_verdict": r.verdict.value,
             "outcome": "reject" if r.verdict == "not_recommended" else "accept", "reason": ""}
            for r in assessment.recommendations
        ]  # fmt: skip
        content = services.DecisionContent(
            outcomes=outcomes, plan="Resect primary, nodes and liver metastases in one stage.", rediscuss=False,
            actions=[{"what": "Book theatre", "owner": "Surgery", "due_date": None}],
        )  # fmt: skip
        services.record_decision(
            item, content, assessment=assessment, guideline=guideline, loaded_lock_version=0, user=chair
        )
    return meeting
