"""The agenda: add cases, reorder them with and without htmx, remove them, see whether each is ready."""

import re

import pytest
from django.urls import reverse

from cases.meetings.models import AgendaItem
from cases.patients.models import CaseStatus
from tests.meetings.factories import add_item, make_meeting, record
from tests.patients.factories import STAGE_IV, STAGE_IV_COMPLETE, make_case

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}


@pytest.fixture
def meeting(chair):
    return make_meeting(chair, status="planned")


def order(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("case__patient__family_name", flat=True))


def move(client, item, direction, **kw):
    url = reverse("meetings:agenda_move", kwargs={"public_id": item.meeting.public_id, "item_id": item.public_id})
    return client.post(url, {"direction": direction}, **kw)


def add_url(meeting):
    return reverse("meetings:agenda_add", kwargs={"public_id": meeting.public_id})


def test_a_case_is_added_at_the_end_with_presenter_and_minutes(client, coordinator, clinician, meeting):
    add_item(meeting)
    case = make_case(status=CaseStatus.READY, **STAGE_IV)
    client.force_login(coordinator)
    response = client.post(add_url(meeting), {"case": case.public_id, "presenter": clinician.pk, "planned_minutes": 15})
    assert response.status_code == 303
    assert response["Location"] == meeting.get_absolute_url() + "#agenda"
    item = AgendaItem.objects.get(case=case)
    assert (item.position, item.presenter, item.planned_minutes) == (2, clinician, 15)


def test_any_open_case_not_yet_on_the_agenda_may_be_added(client, coordinator, meeting):
    on_it = add_item(meeting).case
    closed = make_case(status=CaseStatus.CLOSED)
    draft = make_case(status=CaseStatus.DRAFT)
    client.force_login(coordinator)
    for refused in (on_it, closed):
        response = client.post(add_url(meeting), {"case": refused.public_id, "planned_minutes": 10})
        assert response.status_code == 422
        assert "Select a valid choice" in response.context["agenda_form"].errors["case"][0]
    assert client.post(add_url(meeting), {"case": draft.public_id, "planned_minutes": 10}).status_code == 303
    assert list(meeting.agenda_items.order_by("position").values_list("case", flat=True)) == [on_it.pk, draft.pk]


@pytest.mark.parametrize("minutes", ["0", "61", "ten"])
def test_planned_minutes_outside_1_to_60_are_refused_and_the_choice_is_kept(client, coordinator, meeting, minutes):
    case = make_case()
    client.force_login(coordinator)
    response = client.post(add_url(meeting), {"case": case.public_id, "planned_minutes": minutes})
    assert response.status_code == 422
    assert response.context["agenda_form"].errors["planned_minutes"]
    assert re.search(
        rf'<input type="radio" name="case" value="{case.public_id}"[^>]* checked>', response.content.decode()
    )
    assert not AgendaItem.objects.exists()


def test_the_database_refuses_a_slot_of_more_than_an_hour(meeting):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=meeting, case=make_case(), position=1, planned_minutes=90)


def test_with_htmx_an_invalid_add_answers_200_with_the_agenda(client, coordinator, meeting):
    client.force_login(coordinator)
    response = client.post(add_url(meeting), {"case": "", "planned_minutes": "10"}, headers=HX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="agenda"')


def test_items_move_up_and_down_without_javascript(client, coordinator, meeting):
    a, _, c = (add_item(meeting) for _ in range(3))
    names = order(meeting)
    client.force_login(coordinator)
    response = move(client, c, "up")
    assert response.status_code == 303
    assert order(meeting) == [names[0], names[2], names[1]]
    move(client, a, "down")
    assert order(meeting) == [names[2], names[0], names[1]]


def test_moving_the_first_item_up_changes_nothing(client, coordinator, meeting):
    a = add_item(meeting)
    add_item(meeting)
    client.force_login(coordinator)
    before = order(meeting)
    assert move(client, a, "up").status_code == 303
    assert order(meeting) == before


def test_with_htmx_a_move_answers_the_reordered_agenda(client, coordinator, meeting):
    a, b = add_item(meeting), add_item(meeting)
    client.force_login(coordinator)
    response = move(client, b, "up", headers=HX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="agenda"')
    assert page.index(str(b.public_id)) < page.index(str(a.public_id))


def test_an_item_is_removed_but_not_once_a_decision_is_recorded(client, coordinator, clinician, chair):
    meeting = make_meeting(chair)
    plain, decided = add_item(meeting), add_item(meeting)
    record(decided, clinician)
    client.force_login(coordinator)
    for item in (plain, decided):
        client.post(
            reverse("meetings:agenda_remove", kwargs={"public_id": meeting.public_id, "item_id": item.public_id})
        )
    assert list(meeting.agenda_items.all()) == [decided]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "A decision has been recorded for this case: it stays on the agenda." in page


def test_each_item_shows_whether_the_work_up_is_complete(client, coordinator, meeting):
    add_item(meeting, make_case(**STAGE_IV_COMPLETE))
    add_item(meeting, make_case(**STAGE_IV))
    client.force_login(coordinator)
    response = client.get(meeting.get_absolute_url())
    readiness = [item.readiness.missing for item in response.context["items"]]
    assert readiness[0] == ()
    assert "echocardiogram" in readiness[1]
    states = [item.readiness.state for item in response.context["items"]]
    # Both cases are drafts: the complete one waits for the coordinator's confirmation, never "✓ Ready".
    assert states == ["complete", "missing"]
    page = response.content.decode()
    assert "Work-up complete: not yet confirmed ready" in page
    assert "✓</span> Ready" not in page
    assert "Echocardiogram" in page


def test_a_closed_meetings_agenda_does_not_change(client, coordinator, chair):
    meeting = make_meeting(chair, status="closed")
    add_item(meeting)
    b = add_item(meeting)
    client.force_login(coordinator)
    before = order(meeting)
    response = move(client, b, "up")
    assert response.status_code == 303
    assert order(meeting) == before
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "The meeting is closed" in page
    assert "Add to agenda" not in page


def test_the_rows_forms_carry_a_csrf_token_a_plain_post_is_accepted_with(coordinator, meeting):
    from django.test import Client

    first, second = add_item(meeting), add_item(meeting)
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    page = client.get(meeting.get_absolute_url()).content.decode()
    move = reverse("meetings:agenda_move", kwargs={"public_id": meeting.public_id, "item_id": first.public_id})
    form = page[page.index(f'action="{move}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(move, {"direction": "down", "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert list(meeting.agenda_items.order_by("position")) == [second, first]
