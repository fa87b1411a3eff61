"""The board's treatment intent: asked by the decision form, kept in the signed content, printed first."""

import json

import pytest

from cases.meetings import services
from cases.meetings.models import Decision
from tests.meetings.factories import add_item, decision_post, make_meeting, record, save_url, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(chair):
    return add_item(make_meeting(chair))


def test_the_decision_form_saves_the_intent_the_board_chose(client, clinician, item):
    client.force_login(clinician)
    response = client.post(save_url(item), decision_post(item, treatment_intent="palliative"))
    assert response.status_code == 303
    assert Decision.objects.get().treatment_intent == "palliative"


@pytest.mark.parametrize("intent", ["", "cure", "Curative"])
def test_a_missing_or_unknown_intent_is_refused_with_the_choices_named_and_nothing_saved(
    client, clinician, item, intent
):
    client.force_login(clinician)
    response = client.post(save_url(item), decision_post(item, treatment_intent=intent))
    assert response.status_code == 422
    (error,) = response.context["form"].errors["treatment_intent"]
    assert "curative" in error.lower() and "palliative" in error.lower()
    assert "Resect the primary" in response.content.decode()  # what was typed is kept
    assert not Decision.objects.exists()


def test_the_signed_content_holds_the_intent(clinician, chair, item):
    decision = signed(item, clinician, chair, treatment_intent="surveillance")
    assert json.loads(services.canonical_content(decision))["treatment_intent"] == "surveillance"
    assert services.verify(decision)


def test_a_decision_without_an_intent_keeps_the_content_it_had_before_the_intent_was_asked(clinician, item):
    draft = record(item, clinician, treatment_intent="")
    assert "treatment_intent" not in json.loads(services.canonical_content(draft))


def test_an_amendment_starts_from_the_signed_intent(clinician, chair, item):
    original = signed(item, clinician, chair, treatment_intent="further_workup")
    amendment = services.amend_decision(original, chair, "New imaging.")
    assert amendment.treatment_intent == "further_workup"
