"""A case with no findings recorded is not signed without the reason the board decided on it anyway."""

import pytest
from django.urls import reverse

from cases.meetings import services
from cases.meetings.models import Decision, DecisionStatus
from tests.meetings.factories import add_item, decision_post, make_meeting, present_url, record, save_url
from tests.patients.factories import make_case

pytestmark = pytest.mark.django_db

REASON = "Referral question only: arrange CT, SSTR imaging and histology, then re-discuss."


@pytest.fixture
def empty_item(chair):
    return add_item(make_meeting(chair), make_case())


def sign(client, decision):
    url = reverse("meetings:decision_sign", kwargs={"public_id": decision.public_id})
    return client.post(url, {"lock_version": decision.lock_version})


def test_meeting_mode_warns_that_the_options_rest_on_nothing(client, chair, empty_item):
    client.force_login(chair)
    page = client.get(present_url(empty_item)).content.decode()
    assert 'data-testid="no-findings"' in page
    assert "Not ready: no findings recorded" in page
    assert 'name="no_findings_reason"' in page


def test_the_decision_on_a_case_without_findings_needs_the_reason(client, chair, empty_item):
    client.force_login(chair)
    response = client.post(save_url(empty_item), decision_post(empty_item))
    assert response.status_code == 422
    assert response.context["form"].errors["no_findings_reason"] == ["This field is required."]
    assert not Decision.objects.filter(agenda_item=empty_item).exists()
    response = client.post(save_url(empty_item), decision_post(empty_item, no_findings_reason=REASON))
    assert response.status_code == 303
    assert Decision.objects.get(agenda_item=empty_item).no_findings_reason == REASON


def test_a_draft_without_the_reason_is_not_signed(client, chair, clinician, empty_item):
    draft = record(empty_item, clinician)  # e.g. recorded before the findings were removed, or by a script
    client.force_login(chair)
    response = sign(client, draft)
    assert response.status_code == 422
    assert "the decision must say why the board decided without findings" in response.content.decode()
    assert Decision.objects.get(pk=draft.pk).status == DecisionStatus.DRAFT


def test_with_the_reason_it_is_signed_and_the_reason_is_in_the_signed_content(client, chair, empty_item):
    client.force_login(chair)
    client.post(save_url(empty_item), decision_post(empty_item, no_findings_reason=REASON))
    draft = Decision.objects.get(agenda_item=empty_item)
    assert sign(client, draft).status_code == 303
    signed = Decision.objects.get(pk=draft.pk)
    assert signed.status == DecisionStatus.SIGNED
    assert REASON.encode() in services.canonical_content(signed)
    assert services.verify(signed)


def test_a_case_with_findings_is_signed_without_any_such_reason(client, chair, clinician):
    item = add_item(make_meeting(chair))  # the stage IV case
    draft = record(item, clinician)
    client.force_login(chair)
    assert sign(client, draft).status_code == 303
    signed = Decision.objects.get(pk=draft.pk)
    # Without a reason the signed content has no such key: earlier decisions keep their hashes.
    assert b"no_findings_reason" not in services.canonical_content(signed)


def test_an_amendment_keeps_the_reason(client, chair, clinician, empty_item):
    client.force_login(chair)
    client.post(save_url(empty_item), decision_post(empty_item, no_findings_reason=REASON))
    draft = Decision.objects.get(agenda_item=empty_item)
    sign(client, draft)
    amendment = services.amend_decision(Decision.objects.get(pk=draft.pk), clinician, "Findings arrived.")
    assert amendment.no_findings_reason == REASON
