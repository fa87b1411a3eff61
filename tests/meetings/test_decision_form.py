"""Recording a decision: an outcome per option, a reason for every departure, errors at the field."""

import pytest

from cases.meetings.models import Decision, is_departure
from cases.pathways.services import assess
from tests.meetings.factories import (
    CONSIDERED,
    NOT_RECOMMENDED,
    RECOMMENDED,
    add_item,
    decision_post,
    make_meeting,
    save_url,
)

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}


@pytest.mark.parametrize(
    ("verdict", "outcome", "departure"),
    [
        ("recommended", "accept", False),
        ("recommended", "modify", True),
        ("recommended", "reject", True),
        ("consider", "accept", False),
        ("consider", "modify", True),
        ("consider", "reject", False),
        ("not_recommended", "accept", True),
        ("not_recommended", "modify", True),
        ("not_recommended", "reject", False),
    ],
)
def test_a_departure_is_any_modification_or_going_against_a_firm_verdict(verdict, outcome, departure):
    assert is_departure(verdict, outcome) is departure


@pytest.fixture
def item(chair):
    return add_item(make_meeting(chair))


@pytest.mark.parametrize(
    ("code", "outcome", "message"),
    [
        (
            RECOMMENDED,
            "reject",
            "Give the reason for rejecting “Resection of liver metastases with curative intent”: the engine "
            "recommends it.",
        ),
        (
            NOT_RECOMMENDED,
            "accept",
            "Give the reason for accepting “Liver transplantation”: the engine does not recommend it.",
        ),
        (CONSIDERED, "modify", "Say how and why the board is modifying “Radiofrequency ablation (RFA)”."),
    ],
    ids=["reject-recommended", "accept-not-recommended", "modify-considered"],
)
def test_a_departure_without_a_reason_is_refused_with_a_message_naming_the_option(
    client, clinician, item, code, outcome, message
):
    client.force_login(clinician)
    response = client.post(save_url(item), decision_post(item, plan="Typed plan stays", **{f"outcome_{code}": outcome}))
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors[f"reason_{code}"] == [message]
    page = response.content.decode()
    assert message.replace("“", "&ldquo;") in page or message in page
    assert "Typed plan stays" in page
    assert not Decision.objects.exists()


def test_with_htmx_an_invalid_decision_answers_200_with_the_panel_only(client, clinician, item):
    client.force_login(clinician)
    data = decision_post(item, **{f"outcome_{RECOMMENDED}": "reject"}, plan="Kept")
    response = client.post(save_url(item), data, headers=HX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="decision-panel"')
    assert "Give the reason for rejecting" in page
    assert "Kept" in page
    assert not Decision.objects.exists()


def test_accepting_or_rejecting_a_considered_option_needs_no_reason(client, clinician, item):
    client.force_login(clinician)
    for outcome in ("accept", "reject"):
        Decision.objects.all().delete()
        response = client.post(save_url(item), decision_post(item, **{f"outcome_{CONSIDERED}": outcome}))
        assert response.status_code == 303
        stored = {o["code"]: o for o in Decision.objects.get().outcomes}
        assert stored[CONSIDERED] == {
            "code": CONSIDERED,
            "title": "Radiofrequency ablation (RFA)",
            "engine_verdict": "consider",
            "outcome": outcome,
            "reason": "",
        }


def test_the_board_must_choose_for_an_option_the_engine_leaves_open(client, clinician, item):
    client.force_login(clinician)
    data = decision_post(item)
    del data[f"outcome_{CONSIDERED}"]
    response = client.post(save_url(item), data)
    assert response.status_code == 422
    assert response.context["form"].errors[f"outcome_{CONSIDERED}"] == [
        "Choose whether the board accepts, modifies or rejects “Radiofrequency ablation (RFA)”."
    ]


def test_a_departure_with_a_reason_is_stored_with_the_engine_verdict(client, clinician, item):
    client.force_login(clinician)
    data = decision_post(
        item, **{f"outcome_{RECOMMENDED}": "reject", f"reason_{RECOMMENDED}": "Patient declines liver surgery."}
    )
    assert client.post(save_url(item), data).status_code == 303
    decision = Decision.objects.get()
    assert decision.departures == [
        {
            "code": RECOMMENDED,
            "title": "Resection of liver metastases with curative intent",
            "engine_verdict": "recommended",
            "outcome": "reject",
            "reason": "Patient declines liver surgery.",
        }
    ]


def test_an_outcome_outside_the_three_choices_is_refused(client, clinician, item):
    client.force_login(clinician)
    response = client.post(save_url(item), decision_post(item, **{f"outcome_{RECOMMENDED}": "postpone"}))
    assert response.status_code == 422
    assert not Decision.objects.exists()


def test_a_blank_plan_records_the_options_the_board_accepts(client, clinician, item):
    client.force_login(clinician)
    response = client.post(save_url(item), decision_post(item, plan=""))
    assert response.status_code == 303
    plan = Decision.objects.get().plan
    assert plan.startswith("The board accepts: ")
    assert "Resection of liver metastases with curative intent" in plan


def test_a_plan_is_required_when_the_board_accepts_no_option(client, clinician, item):
    client.force_login(clinician)
    assessment = assess(item.case).assessment
    rejected = {f"outcome_{rec.code}": "reject" for rec in assessment.recommendations}
    reasons = {f"reason_{rec.code}": "Patient declines surgery." for rec in assessment.recommendations}
    response = client.post(save_url(item), decision_post(item, plan="", **rejected, **reasons))
    assert response.status_code == 422
    assert response.context["form"].errors["plan"] == ["The board accepts no option: say what it recommends instead."]
    assert not Decision.objects.exists()


def test_a_follow_up_action_needs_someone_to_do_it(client, clinician, item):
    client.force_login(clinician)
    response = client.post(save_url(item), decision_post(item, **{"actions-0-owner": ""}))
    assert response.status_code == 422
    assert response.context["formset"].forms[0].errors["owner"] == ["Say who does it."]
    assert not Decision.objects.exists()


def test_follow_up_actions_and_re_discussion_are_saved_in_order(client, clinician, item):
    client.force_login(clinician)
    data = decision_post(
        item,
        rediscuss="on",
        **{"actions-1-what": "Repeat 68Ga PET", "actions-1-owner": "Nuclear medicine", "actions-1-due_date": ""},
    )
    assert client.post(save_url(item), data).status_code == 303
    decision = Decision.objects.get()
    assert decision.rediscuss is True
    assert [(a.position, a.what, a.owner, a.due_date and a.due_date.isoformat()) for a in decision.actions.all()] == [
        (1, "Book one-stage resection", "Surgery", "2026-12-15"),
        (2, "Repeat 68Ga PET", "Nuclear medicine", None),
    ]


def test_no_decision_is_recorded_before_the_meeting_starts(client, clinician, chair):
    item = add_item(make_meeting(chair, status="planned"))
    client.force_login(clinician)
    response = client.post(save_url(item), decision_post(item))
    assert response.status_code == 409
    assert "Decisions are recorded once the meeting has started." in response.content.decode()
    assert not Decision.objects.exists()


def test_a_decision_made_against_findings_that_changed_meanwhile_is_not_saved(client, clinician, item):
    data = decision_post(item)
    type(item.case).objects.filter(pk=item.case.pk).update(version=item.case.version + 1, liver_lesions=3)
    client.force_login(clinician)
    response = client.post(save_url(item), data)
    assert response.status_code == 409
    assert "The findings of this case were changed while this form was open" in response.content.decode()
    assert response.context["form"].data["case_version"] == item.case.version + 1
    assert not Decision.objects.exists()
