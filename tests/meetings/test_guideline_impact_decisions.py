"""Signed decisions in the impact preview: which would depart from the guideline once the draft is in force.

A departure is the decision form's rule (`is_departure`): accepting what is not recommended, rejecting what is
recommended, or modifying. The draft raises the debulking threshold to 95 % (tests/pathways/impact_cases.py), so a
board that accepted debulking at 80 % resectable ("consider") would depart from the draft ("not recommended").
"""

from decimal import Decimal

import pytest

from cases.meetings import services
from cases.meetings.models import Outcome
from cases.pathways.guideline_versions import active_guideline, start_impact_preview
from cases.pathways.models import GuidelineImpact, GuidelineImpactCase
from cases.pathways.services import assess
from cases.pathways.tasks import compute_guideline_impact
from cases.patients.models import CaseStatus
from tests.meetings.factories import add_item, agreeing_outcome, make_meeting, record, signed
from tests.pathways.impact_cases import BILOBAR_80, BILOBAR_96, make_draft
from tests.patients.factories import make_case

pytestmark = pytest.mark.django_db


def decisions_after_preview(draft, user) -> dict:
    job = start_impact_preview(draft, user, compute_guideline_impact)
    return GuidelineImpact.objects.get(public_id=job.subject_id).result["signed_decisions"]


def sign_with(item, author, chair, **outcomes):
    """Record and sign ITEM's decision: agreeing with the engine except OUTCOMES ({code: outcome})."""
    assessment = assess(item.case).assessment
    content = services.DecisionContent(
        outcomes=[
            {
                "code": rec.code,
                "title": rec.title,
                "engine_verdict": rec.verdict.value,
                "outcome": outcomes.get(rec.code, agreeing_outcome(rec.verdict)),
                "reason": "The board's reason." if rec.code in outcomes else "",
            }
            for rec in assessment.recommendations
        ],
        plan="As discussed.",
        rediscuss=False,
        actions=[],
    )
    head = services.head_decision(item)
    draft = services.record_decision(
        item,
        content,
        assessment=assessment,
        guideline=active_guideline(),
        loaded_lock_version=head.lock_version if head else 0,
        user=author,
    )
    return services.sign_decision(draft, chair, draft.lock_version)


@pytest.fixture
def meeting(chair):
    return make_meeting(chair)


def test_accepting_a_considered_option_departs_once_the_draft_no_longer_recommends_it(
    meeting, clinician, chair, content_editor
):
    item = add_item(meeting, case=make_case(**BILOBAR_80))
    signed(item, clinician, chair)  # debulking "consider", accepted: no departure today

    counts = decisions_after_preview(make_draft(content_editor), content_editor)

    assert counts == {
        "signed": 1,
        "not_assessable": 0,
        "departing_before": 0,
        "departing_after": 1,
        "newly_departing": 1,
        "no_longer_departing": 0,
    }
    assert GuidelineImpactCase.objects.get(case=item.case).changes["departure"] == "new"


def test_a_decision_is_compared_with_the_findings_it_was_recorded_with_not_those_of_today(
    meeting, clinician, chair, content_editor
):
    item = add_item(meeting, case=make_case(**BILOBAR_80))
    signed(item, clinician, chair)
    case = item.case
    case.liver_resectable_percent = Decimal(BILOBAR_96["liver_resectable_percent"])  # re-staged after the meeting
    case.save()

    counts = decisions_after_preview(make_draft(content_editor), content_editor)

    # At 96 % debulking stays "consider" with the draft, so today's findings would find no departure; the
    # decision was made at 80 %, where the draft says "not recommended".
    assert counts["newly_departing"] == 1
    changes = GuidelineImpactCase.objects.get(case=case).changes
    assert changes == {"options": [], "staging": [], "departure": "new"}


def test_an_amended_decision_counts_once_as_its_newest_signed_version(meeting, clinician, chair, content_editor):
    item = add_item(meeting, case=make_case(**BILOBAR_80))
    original = signed(item, clinician, chair)  # accepted debulking
    services.amend_decision(original, clinician, "The surgeons advise against debulking.")
    sign_with(item, clinician, chair, liver_debulking=Outcome.REJECT)

    counts = decisions_after_preview(make_draft(content_editor), content_editor)

    # Only version 2 counts, and rejecting debulking follows the draft ("not recommended") as it followed the
    # version in force ("consider").
    assert counts["signed"] == 1 and counts["departing_after"] == 0 and counts["newly_departing"] == 0


def test_an_amendment_still_in_draft_leaves_the_signed_version_in_force_counted(
    meeting, clinician, chair, content_editor
):
    item = add_item(meeting, case=make_case(**BILOBAR_80))
    original = signed(item, clinician, chair)
    services.amend_decision(original, clinician, "Waiting for the surgeons.")

    counts = decisions_after_preview(make_draft(content_editor), content_editor)

    assert counts["signed"] == 1 and counts["newly_departing"] == 1


def test_a_modified_option_departs_with_either_version(meeting, clinician, chair, content_editor):
    item = add_item(meeting, case=make_case(**BILOBAR_80))
    sign_with(item, clinician, chair, liver_debulking=Outcome.MODIFY)

    counts = decisions_after_preview(make_draft(content_editor), content_editor)

    assert (counts["departing_before"], counts["departing_after"], counts["newly_departing"]) == (1, 1, 0)


def test_rejecting_what_the_draft_no_longer_recommends_stops_being_a_departure(
    meeting, clinician, chair, content_editor
):
    """Three liver metastases away from vital structures, 80 % resectable: RFA is recommended (fewer than 5, ref 61),
    and rejecting it departs. With the ablation limit lowered to 3 (the limit is strict: fewer than 3) no thermal
    ablation is recommended, and rejecting them follows the guideline. (Had the board accepted MWA, "consider"
    today, that acceptance would depart from the draft instead.)"""
    three_lesions = {**BILOBAR_80, "liver_lesions": 3, "liver_near_vital_structures": False}
    item = add_item(meeting, case=make_case(**three_lesions))
    assert assess(item.case).assessment.recommendation("rfa").verdict == "recommended"
    sign_with(item, clinician, chair, rfa=Outcome.REJECT, mwa=Outcome.REJECT, ire=Outcome.REJECT)

    counts = decisions_after_preview(make_draft(content_editor, ablation_max_lesions=3), content_editor)

    assert (counts["departing_before"], counts["departing_after"], counts["no_longer_departing"]) == (1, 0, 1)
    assert GuidelineImpactCase.objects.get(case=item.case).changes["departure"] == "ended"


def test_decisions_of_closed_cases_are_not_counted(meeting, clinician, chair, content_editor):
    item = add_item(meeting, case=make_case(**BILOBAR_80))
    signed(item, clinician, chair)
    item.case.status = CaseStatus.CLOSED
    item.case.save()

    counts = decisions_after_preview(make_draft(content_editor), content_editor)

    assert counts["signed"] == 0


def test_unsigned_decisions_are_not_counted(meeting, clinician, content_editor):
    record(add_item(meeting, case=make_case(**BILOBAR_80)), clinician)

    assert decisions_after_preview(make_draft(content_editor), content_editor)["signed"] == 0
