"""A page opened before someone else changed the meeting: its htmx actions answer with a clear message and the
current part (never a silent 404), and the parts that show a decision's state follow each save and signature."""

import pytest
from django.urls import reverse

from cases.meetings.models import AgendaItem, Decision
from tests.meetings.factories import add_item, decision_post, make_meeting, record, save_url

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def meeting(chair):
    return make_meeting(chair)


def test_moving_a_case_taken_off_the_agenda_meanwhile_answers_with_the_current_agenda(client, coordinator, meeting):
    kept, gone = add_item(meeting), add_item(meeting)
    url = reverse("meetings:agenda_move", kwargs={"public_id": meeting.public_id, "item_id": gone.public_id})
    gone.delete()  # another window removed it
    client.force_login(coordinator)
    response = client.post(url, {"direction": "up"}, headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="agenda"' in page
    assert "taken off the agenda in another window: nothing was changed" in page
    assert list(AgendaItem.objects.filter(meeting=meeting)) == [kept]
    assert client.post(url, {"direction": "up"}).status_code == 409


def test_saving_a_decision_for_a_case_taken_off_the_agenda_says_so_and_reopens_meeting_mode(client, clinician, meeting):
    item = add_item(meeting)
    data = decision_post(item)
    url = save_url(item)
    item.delete()
    client.force_login(clinician)
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("meetings:present", kwargs={"public_id": meeting.public_id})
    assert not Decision.objects.exists()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "That case was taken off the agenda in another window: nothing was saved." in page


def test_a_save_and_a_signature_update_the_badges_outside_the_panel(client, chair, clinician, meeting):
    item = add_item(meeting)
    client.force_login(chair)
    response = client.post(save_url(item), decision_post(item), headers=HTMX)
    page = response.content.decode()
    oob = f'<span id="agenda-decision-{item.public_id}" class="badge decision-draft" hx-swap-oob="true">Draft</span>'
    assert oob in page
    draft = Decision.objects.get()
    sign = reverse("meetings:decision_sign", kwargs={"public_id": draft.public_id})
    page = client.post(sign, {"lock_version": draft.lock_version}, headers=HTMX).content.decode()
    assert (
        f'<span id="agenda-decision-{item.public_id}" class="badge decision-signed" hx-swap-oob="true">Signed' in page
    )
    assert '<div id="case-readiness" class="case-readiness" hx-swap-oob="true">' in page
    assert "Discussed" in page.split('id="case-readiness"')[1]


def test_the_full_page_carries_no_out_of_band_parts(client, chair, clinician, meeting):
    item = add_item(meeting)
    record(item, clinician)
    client.force_login(chair)
    page = client.get(reverse("meetings:present_item", kwargs={
        "public_id": meeting.public_id, "item_id": item.public_id
    })).content.decode()  # fmt: skip
    assert "hx-swap-oob" not in page
