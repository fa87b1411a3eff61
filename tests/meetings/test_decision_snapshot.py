"""A decision keeps the engine output and guideline it was made with, whatever the guideline says later."""

import dataclasses

import pytest
from django.urls import reverse

from cases.meetings import services
from cases.meetings.models import Decision
from cases.pathways import guideline_versions
from cases.pathways.engine import Guideline
from tests.meetings.factories import add_item, decision_post, make_meeting, present_url, save_url
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db

# Three liver metastases: thermal ablation is "consider" under the seed's limit (fewer than 5 lesions)
# and "not recommended" under a stricter guideline that allows fewer than 3.
STRICTER = Guideline(version="stricter-2030", ablation_max_lesions=3)


@pytest.fixture
def item(chair):
    return add_item(make_meeting(chair), make_case(**{**STAGE_IV, "liver_lesions": 3}))


def verdict(snapshot: dict, code: str) -> str:
    return next(rec["verdict"] for rec in snapshot["recommendations"] if rec["code"] == code)


def use_guideline(monkeypatch, guideline: Guideline) -> None:
    """Make the app's guideline lookups return GUIDELINE (what activating a new version does): the thresholds
    alone, and with the quorum (meeting mode reads both at once)."""
    quorum = guideline_versions.active_quorum()
    monkeypatch.setattr("cases.pathways.guideline_versions.active_guideline", lambda: guideline)
    monkeypatch.setattr("cases.pathways.guideline_versions.active_content", lambda: (guideline, quorum))


def test_the_stored_snapshot_survives_a_change_of_the_active_guideline(client, monkeypatch, clinician, chair, item):
    in_force = guideline_versions.active_guideline()
    assert in_force.ablation_max_lesions == 5
    client.force_login(clinician)
    assert client.post(save_url(item), decision_post(item)).status_code == 303
    decision = Decision.objects.get()
    client.force_login(chair)
    client.post(reverse("meetings:decision_sign", kwargs={"public_id": decision.public_id}), {"lock_version": 1})
    decision.refresh_from_db()
    snapshot, parameters = decision.engine_snapshot, decision.guideline_parameters
    assert verdict(snapshot, "rfa") == "consider"
    assert decision.guideline_version == in_force.version
    assert parameters == dataclasses.asdict(in_force)

    use_guideline(monkeypatch, STRICTER)

    # The live assessment follows the new guideline...
    page = client.get(present_url(item)).content.decode()
    assert 'data-code="rfa" data-verdict="not_recommended"' in page
    # ...the stored decision does not, and its hash still matches.
    decision = Decision.objects.get()
    assert decision.engine_snapshot == snapshot
    assert decision.guideline_parameters["ablation_max_lesions"] == 5
    assert decision.guideline_version == in_force.version
    assert services.verify(decision)
    record = client.get(decision.get_absolute_url()).content.decode()
    assert 'data-code="rfa" data-verdict="consider"' in record
    assert "ablation_max_lesions" in record


def test_a_decision_recorded_under_the_new_guideline_stores_it(client, monkeypatch, clinician, item):
    use_guideline(monkeypatch, STRICTER)
    client.force_login(clinician)
    response = client.post(save_url(item), decision_post(item, guideline=STRICTER))
    assert response.status_code == 303
    decision = Decision.objects.get()
    assert decision.guideline_version == "stricter-2030"
    assert decision.guideline_parameters["ablation_max_lesions"] == 3
    assert verdict(decision.engine_snapshot, "rfa") == "not_recommended"
    assert decision.engine_snapshot["guideline_version"] == "stricter-2030"


def test_the_chair_is_warned_when_a_draft_was_recorded_under_another_assessment(
    client, monkeypatch, clinician, chair, item
):
    client.force_login(clinician)
    client.post(save_url(item), decision_post(item))
    use_guideline(monkeypatch, STRICTER)
    client.force_login(chair)
    page = client.get(present_url(item)).content.decode()
    assert "The assessment has changed since this draft was saved" in page


def test_outcomes_are_validated_against_the_verdicts_of_the_guideline_in_force(client, monkeypatch, clinician, item):
    # Under the stricter guideline, doing RFA departs from the engine: it needs a reason.
    use_guideline(monkeypatch, STRICTER)
    client.force_login(clinician)
    response = client.post(save_url(item), decision_post(item, guideline=STRICTER, outcome_rfa="accept"))
    assert response.status_code == 422
    assert "Give the reason for accepting “Radiofrequency ablation (RFA)”" in response.content.decode()
    assert not Decision.objects.exists()
