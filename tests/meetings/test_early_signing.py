"""Signing a decision before the meeting's own date and time needs an explicit reason, which the record keeps."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.meetings import services
from cases.meetings.models import DecisionStatus
from tests.meetings.factories import add_item, make_meeting, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(chair, clinician):
    meeting = make_meeting(chair, scheduled_at=timezone.now() + timedelta(days=3))
    return record(add_item(meeting), clinician)


def sign_url(decision) -> str:
    return reverse("meetings:decision_sign", kwargs={"public_id": decision.public_id})


def test_signing_before_the_meeting_without_a_reason_is_refused_and_signs_nothing(client, chair, draft):
    client.force_login(chair)
    response = client.post(sign_url(draft), {"lock_version": draft.lock_version})
    assert response.status_code == 422
    assert "say why the decision is signed before it" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.DRAFT
    with pytest.raises(services.SigningTooEarly):
        services.sign_decision(draft, chair, draft.lock_version)
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.DRAFT


def test_the_reason_for_signing_early_is_signed_with_the_record(client, chair, draft):
    client.force_login(chair)
    page = client.get(reverse("meetings:present_item", kwargs={
        "public_id": draft.agenda_item.meeting.public_id, "item_id": draft.agenda_item.public_id
    })).content.decode()  # fmt: skip
    assert "Reason for signing before the meeting" in page
    reason = "Surgery is booked before the board meets; the board agreed by e-mail."
    response = client.post(sign_url(draft), {"lock_version": draft.lock_version, "early_reason": reason})
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.SIGNED
    assert draft.early_signing_reason == reason
    assert f'"early_signing_reason":"{reason}"' in services.canonical_content(draft).decode()
    assert services.verify(draft)
    assert reason in client.get(draft.get_absolute_url()).content.decode()


def test_signing_after_the_meeting_began_needs_no_reason(client, chair, clinician):
    draft = record(add_item(make_meeting(chair)), clinician)
    client.force_login(chair)
    response = client.post(sign_url(draft), {"lock_version": draft.lock_version})
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.SIGNED
    assert draft.early_signing_reason is None
