"""Meeting mode: one case at a time for the shared screen, with links, keys and a timer that need no inline code."""

import re

import pytest
from django.urls import reverse

from tests.meetings.factories import add_item, make_meeting, present_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(chair):
    meeting = make_meeting(chair)
    return [add_item(meeting, planned_minutes=minutes) for minutes in (5, 12, 8)]


def test_it_shows_one_case_with_its_assessment_position_and_neighbours(client, clinician, agenda):
    first, second, third = agenda
    client.force_login(clinician)
    response = client.get(present_url(second))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Case <strong>2</strong> of 3" in page
    assert second.case.patient.family_name.upper() in page
    assert second.case.question in page
    assert 'data-testid="stage">IV</dd>' in page
    assert f'rel="prev" href="{present_url(first)}"' in page
    assert f'rel="next" href="{present_url(third)}"' in page
    assert "Save decision" in page


def test_the_first_case_has_no_previous_link_and_the_last_no_next(client, clinician, agenda):
    client.force_login(clinician)
    assert 'rel="prev"' not in client.get(present_url(agenda[0])).content.decode()
    assert 'rel="next"' not in client.get(present_url(agenda[-1])).content.decode()


def test_the_timer_gets_the_planned_time_from_data_attributes(client, clinician, agenda):
    client.force_login(clinician)
    page = client.get(present_url(agenda[1])).content.decode()
    assert f'data-item="{agenda[1].public_id}" data-planned-seconds="720"' in page
    assert "12 min planned" in page


def test_the_page_has_no_inline_script_or_style_and_loads_meeting_js_with_the_nonce(client, clinician, agenda):
    client.force_login(clinician)
    response = client.get(present_url(agenda[0]))
    page = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert re.search(rf'<script src="/static/js/meeting.js" defer nonce="{re.escape(nonce)}"></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert " style=" not in page
    assert "<style" not in page


def test_an_item_of_another_meeting_is_not_found(client, clinician, chair, agenda):
    other = add_item(make_meeting(chair))
    client.force_login(clinician)
    url = reverse(
        "meetings:present_item", kwargs={"public_id": agenda[0].meeting.public_id, "item_id": other.public_id}
    )
    assert client.get(url).status_code == 404


def test_an_empty_agenda_sends_the_user_back_to_the_meeting(client, clinician, chair):
    meeting = make_meeting(chair)
    client.force_login(clinician)
    response = client.get(reverse("meetings:present", kwargs={"public_id": meeting.public_id}), follow=True)
    assert "The agenda is empty" in response.content.decode()


def test_a_planned_meeting_offers_to_start_it_instead_of_a_form(client, coordinator, chair):
    item = add_item(make_meeting(chair, status="planned"))
    client.force_login(coordinator)
    page = client.get(present_url(item)).content.decode()
    assert "Start the meeting" in page
    assert "Save decision" not in page


def test_starting_twice_is_refused_with_a_message(client, coordinator, chair):
    meeting = make_meeting(chair, status="in_progress")
    client.force_login(coordinator)
    url = reverse("meetings:status", kwargs={"public_id": meeting.public_id})
    response = client.post(url, {"transition": "start"}, follow=True)
    assert "The meeting is in progress: it cannot start." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "in_progress"
