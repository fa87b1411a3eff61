"""Amendments: a new version that references the signed original, which stays exactly as it was."""

import pytest
from django.urls import reverse

from cases.meetings import services
from cases.meetings.models import Decision
from tests.meetings.factories import add_item, decision_post, make_meeting, present_url, save_url, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def original(clinician, chair):
    return signed(add_item(make_meeting(chair)), clinician, chair)


def amend_url(decision):
    return reverse("meetings:decision_amend", kwargs={"public_id": decision.public_id})


def test_an_amendment_is_a_new_draft_version_that_references_the_original(client, clinician, original):
    before = Decision.objects.values().get(pk=original.pk)
    client.force_login(clinician)
    response = client.post(amend_url(original), {"reason": "Histology after surgery shows G2, Ki-67 8%."})
    assert response.status_code == 303
    amendment = Decision.objects.get(amends=original)
    assert amendment.version == 2
    assert amendment.status == "draft"
    assert amendment.author == clinician
    assert amendment.amendment_reason == "Histology after surgery shows G2, Ki-67 8%."
    assert amendment.plan == original.plan
    assert [a.what for a in amendment.actions.all()] == [a.what for a in original.actions.all()]
    assert Decision.objects.values().get(pk=original.pk) == before


def test_the_amendment_is_edited_and_signed_and_the_original_stays_intact(client, clinician, chair, original):
    item = original.agenda_item
    before = Decision.objects.values().get(pk=original.pk)
    original_hash = original.content_sha256
    client.force_login(clinician)
    client.post(amend_url(original), {"reason": "The patient declined surgery."})
    amendment = Decision.objects.get(amends=original)
    data = decision_post(
        item,
        lock_version=amendment.lock_version,
        plan="Somatostatin analogue and surveillance; no surgery.",
        outcome_liver_resection="reject",
        reason_liver_resection="The patient declined surgery.",
    )
    assert client.post(save_url(item), data).status_code == 303
    amendment.refresh_from_db()
    assert amendment.plan == "Somatostatin analogue and surveillance; no surgery."

    client.force_login(chair)
    client.post(
        reverse("meetings:decision_sign", kwargs={"public_id": amendment.public_id}),
        {"lock_version": amendment.lock_version},
    )
    amendment.refresh_from_db()
    assert amendment.status == "signed"
    assert services.verify(amendment)
    assert Decision.objects.values().get(pk=original.pk) == before
    original.refresh_from_db()
    assert original.content_sha256 == original_hash
    assert services.verify(original)

    # The history is on the case page and on both records.
    case_page = client.get(item.case.get_absolute_url()).content.decode()
    assert original.get_absolute_url() in case_page
    assert amendment.get_absolute_url() in case_page
    assert "amends v1: The patient declined surgery." in case_page
    old_record = client.get(original.get_absolute_url()).content.decode()
    assert "This version has been amended" in old_record
    new_record = client.get(amendment.get_absolute_url()).content.decode()
    assert "Amends" in new_record
    assert "The patient declined surgery." in new_record


def test_an_amendment_needs_a_reason(client, clinician, original):
    client.force_login(clinician)
    response = client.post(amend_url(original), {"reason": "  "})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert Decision.objects.count() == 1


def test_only_the_latest_signed_version_can_be_amended(clinician, chair, original):
    services.amend_decision(original, clinician, "First amendment")
    with pytest.raises(services.DecisionConflict):
        services.amend_decision(original, clinician, "Second, from a stale page")
    assert Decision.objects.count() == 2


def test_a_draft_cannot_be_amended(client, clinician, chair, original):
    draft = services.amend_decision(original, clinician, "New findings")
    client.force_login(clinician)
    response = client.post(amend_url(draft), {"reason": "Again"})
    assert response.status_code == 409
    assert Decision.objects.count() == 2


def test_while_an_amendment_is_a_draft_meeting_mode_shows_its_form_and_reason(client, clinician, original):
    services.amend_decision(original, clinician, "Radiology re-review")
    client.force_login(clinician)
    page = client.get(present_url(original.agenda_item)).content.decode()
    assert "Amends" in page
    assert "Radiology re-review" in page
    assert "Save decision" in page
    assert "Version 1" in page and "Version 2" in page
