"""Two people editing the same draft: the second save is a conflict that shows the first one's values."""

import pytest
from django.urls import reverse

from cases.meetings import services
from cases.meetings.models import Decision
from tests.meetings.factories import RECOMMENDED, add_item, decision_post, make_meeting, record, save_url

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}


@pytest.fixture
def draft(clinician, chair):
    return record(add_item(make_meeting(chair)), clinician, plan="First plan")


def test_a_save_over_a_newer_draft_is_refused_and_shows_the_other_values(client, clinician, chair, draft):
    item = draft.agenda_item
    loaded = draft.lock_version
    # The chair saves first...
    client.force_login(chair)
    assert client.post(save_url(item), decision_post(item, lock_version=loaded, plan="Chair's plan")).status_code == 303
    saved = Decision.objects.values().get()
    # ...then the clinician, from a form loaded before the chair's save.
    client.force_login(clinician)
    data = decision_post(
        item,
        lock_version=loaded,
        plan="Clinician's plan",
        **{f"outcome_{RECOMMENDED}": "reject", f"reason_{RECOMMENDED}": "Frail"},
    )
    response = client.post(save_url(item), data)
    assert response.status_code == 409
    assert Decision.objects.values().get() == saved
    conflict = response.context["conflict"]
    assert conflict["by"] == "Chair Tester"
    assert not conflict["signed"]
    assert {"label": "Plan", "mine": "Clinician's plan", "theirs": "Chair's plan"} in conflict["differences"]
    assert {
        "label": "Resection of liver metastases with curative intent",
        "mine": "Reject: Frail",
        "theirs": "Accept",
    } in conflict["differences"]
    page = response.content.decode()
    assert "Nothing of yours was saved" in page
    assert "Clinician&#x27;s plan" in page  # what was typed is still in the form
    # The form now carries the chair's version: saving again is a deliberate replacement.
    assert response.context["form"].data["lock_version"] == saved["lock_version"]
    again = client.post(save_url(item), {**data, "lock_version": saved["lock_version"]})
    assert again.status_code == 303
    assert Decision.objects.get().plan == "Clinician's plan"


def test_with_htmx_a_conflict_answers_200_with_the_panel(client, clinician, draft):
    item = draft.agenda_item
    client.force_login(clinician)
    response = client.post(save_url(item), decision_post(item, lock_version=draft.lock_version - 1), headers=HX)
    assert response.status_code == 200
    assert 'data-testid="conflict"' in response.content.decode()


def test_saving_over_a_draft_that_was_signed_meanwhile_changes_nothing(client, clinician, chair, draft):
    item = draft.agenda_item
    services.sign_decision(draft, chair, draft.lock_version)
    before = Decision.objects.values().get()
    client.force_login(clinician)
    response = client.post(save_url(item), decision_post(item, lock_version=draft.lock_version, plan="Too late"))
    assert response.status_code == 409
    assert response.context["conflict"]["signed"]
    assert "start an amendment" in response.content.decode()
    assert Decision.objects.values().get() == before


def test_two_first_saves_of_the_same_item_do_not_make_two_decisions(client, clinician, chair):
    item = add_item(make_meeting(chair))
    client.force_login(clinician)
    assert client.post(save_url(item), decision_post(item, plan="One")).status_code == 303
    response = client.post(save_url(item), decision_post(item, plan="Two"))
    assert response.status_code == 409
    assert Decision.objects.get().plan == "One"


def test_the_chair_cannot_sign_a_draft_changed_after_they_opened_it(client, clinician, chair, draft):
    item = draft.agenda_item
    opened_at = draft.lock_version
    client.force_login(clinician)
    client.post(save_url(item), decision_post(item, lock_version=opened_at, plan="Changed"))
    client.force_login(chair)
    response = client.post(
        reverse("meetings:decision_sign", kwargs={"public_id": draft.public_id}), {"lock_version": opened_at}
    )
    assert response.status_code == 409
    assert "The draft was changed after you opened it" in response.content.decode()
    assert Decision.objects.get().status == "draft"
