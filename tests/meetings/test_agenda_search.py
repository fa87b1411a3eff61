"""Adding a case to an agenda by finding it: a short list of ready cases, or a search by name or hospital
number, a few results at a time; never a list of every case; with and without htmx; managers only."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.meetings.forms import AGENDA_CHOICES
from cases.meetings.models import AgendaItem
from cases.patients.models import CaseStatus
from tests.meetings.factories import add_item, make_meeting
from tests.patients.factories import make_case, make_patient

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def meeting(chair):
    return make_meeting(chair, status="planned")


def search_url(meeting):
    return reverse("meetings:agenda_search", kwargs={"public_id": meeting.public_id})


def offered(response) -> list[str]:
    """The hospital numbers of the cases the add form offers."""
    form = response.context["agenda_form"]
    return [label.split("(")[1].split(")")[0] for _, label in form.fields["case"].widget.choices]


def case_of(family: str, given: str = "Anna", number: str | None = None, **values):
    patient = make_patient(family_name=family, given_name=given, **({"hospital_number": number} if number else {}))
    return make_case(patient=patient, **values)


def test_the_page_offers_the_oldest_ready_cases_not_on_an_open_agenda(client, coordinator, chair, meeting):
    old = case_of("Old", number="R1", status=CaseStatus.READY, referral_date=date(2026, 1, 1))
    new = case_of("New", number="R2", status=CaseStatus.READY, referral_date=date(2026, 6, 1))
    case_of("Draft", number="D1", status=CaseStatus.DRAFT)
    add_item(meeting, case_of("Here", number="R3", status=CaseStatus.READY))
    add_item(make_meeting(chair, status="planned"), case_of("Elsewhere", number="R4", status=CaseStatus.READY))
    client.force_login(coordinator)
    response = client.get(meeting.get_absolute_url())
    assert offered(response) == [old.patient.hospital_number, new.patient.hospital_number]
    assert "The oldest ready cases not on an agenda" in response.content.decode()


def test_the_short_list_is_short(client, coordinator, meeting):
    for n in range(AGENDA_CHOICES + 5):
        case_of(f"Ready{n:02d}", status=CaseStatus.READY, referral_date=date(2026, 1, 1) + timedelta(days=n))
    client.force_login(coordinator)
    response = client.get(meeting.get_absolute_url())
    assert len(offered(response)) == AGENDA_CHOICES
    assert "READY14" not in response.content.decode()


def test_a_search_finds_open_cases_by_name_or_hospital_number_ready_first(client, coordinator, meeting):
    draft = case_of("Müller", "Anna", "HN-1", status=CaseStatus.DRAFT)
    ready = case_of("Muller", "Jonas", "HN-2", status=CaseStatus.READY)
    case_of("Müller", "Karl", "HN-3", status=CaseStatus.CLOSED)
    add_item(meeting, case_of("Müller", "Eva", "HN-4"))
    case_of("Okafor", "Maya", "O-1")
    client.force_login(coordinator)
    by_name = client.post(search_url(meeting), {"q": "MULLER"})
    assert by_name.status_code == 200
    assert offered(by_name) == [ready.patient.hospital_number, draft.patient.hospital_number]
    assert offered(client.post(search_url(meeting), {"q": "hn-"})) == ["HN-2", "HN-1"]
    assert offered(client.post(search_url(meeting), {"q": "anna müller"})) == ["HN-1"]
    nothing = client.post(search_url(meeting), {"q": "zzyzx"})
    assert offered(nothing) == []
    assert "No open case not yet on this agenda matches your search" in nothing.content.decode()


def test_a_search_shows_a_few_results_and_says_there_are_more(client, coordinator, meeting):
    for n in range(AGENDA_CHOICES + 3):
        case_of("Lindqvist", f"Karin{n:02d}")
    client.force_login(coordinator)
    response = client.post(search_url(meeting), {"q": "lindqvist"})
    assert len(offered(response)) == AGENDA_CHOICES
    assert "type more to narrow it" in response.content.decode()


def test_with_htmx_a_search_answers_only_the_candidates(client, coordinator, meeting):
    case_of("Okafor", "Maya", "O-1")
    client.force_login(coordinator)
    response = client.post(search_url(meeting), {"q": "okafor"}, headers=HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="agenda-candidates">')
    assert "OKAFOR, Maya (O-1)" in html
    # The search is carried by the add form, so a refused add shows the same results again.
    assert 'name="query" value="okafor"' in html


def test_without_javascript_a_found_case_is_added_with_a_plain_post(client, coordinator, clinician, meeting):
    case = case_of("Okafor", "Maya", "O-1")
    client.force_login(coordinator)
    page = client.post(search_url(meeting), {"q": "Maya Okafor"})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<form method="post" action="{search_url(meeting)}"' in html
    assert (
        f'<form method="post" action="{reverse("meetings:agenda_add", kwargs={"public_id": meeting.public_id})}"'
        in html
    )
    response = client.post(
        reverse("meetings:agenda_add", kwargs={"public_id": meeting.public_id}),
        {"case": case.public_id, "presenter": clinician.pk, "planned_minutes": "12", "query": "Maya Okafor"},
    )
    assert response.status_code == 303
    assert AgendaItem.objects.get(meeting=meeting).case == case


def test_a_refused_add_shows_the_search_results_again(client, coordinator, meeting):
    case = case_of("Okafor", "Maya", "O-1")
    case_of("Okafor", "Chidi", "O-2")
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:agenda_add", kwargs={"public_id": meeting.public_id}),
        {"case": case.public_id, "planned_minutes": "90", "query": "okafor"},
    )
    assert response.status_code == 422
    assert sorted(offered(response)) == ["O-1", "O-2"]
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("user_fixture", ["viewer", "clinician", "content_editor", "no_role_user"])
def test_only_those_who_manage_meetings_search_for_cases_to_add(client, request, meeting, user_fixture):
    case_of("Okafor", "Maya", "O-1")
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.post(search_url(meeting), {"q": "okafor"})
    assert response.status_code == 403
    assert "OKAFOR" not in response.content.decode()


def test_a_closed_meetings_agenda_takes_no_search(client, coordinator, chair):
    closed = make_meeting(chair, status="closed")
    client.force_login(coordinator)
    response = client.post(search_url(closed), {"q": "okafor"})
    assert response.status_code == 303
    assert response["Location"] == closed.get_absolute_url()


def test_the_page_and_the_search_cost_the_same_queries_with_ten_times_the_cases(client, coordinator, meeting):
    client.force_login(coordinator)

    def count(method, url, data=None):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == 200
        return len(queries), response

    def grow(n):
        for _ in range(n):
            case_of("Okafor", status=CaseStatus.READY)
            case_of("Draft", status=CaseStatus.DRAFT)

    grow(3)
    count("get", meeting.get_absolute_url())  # the session
    small = (count("get", meeting.get_absolute_url())[0], count("post", search_url(meeting), {"q": "okafor"})[0])
    grow(30)
    page_queries, page = count("get", meeting.get_absolute_url())
    search_queries, search = count("post", search_url(meeting), {"q": "okafor"})
    assert (page_queries, search_queries) == small
    # The page renders the few cases it offers, not the other sixty: no whole-table list.
    assert page.content.decode().count("DRAFT, Anna") == 0
    assert page.content.decode().count('name="case"') == AGENDA_CHOICES
    assert search.content.decode().count('name="case"') == AGENDA_CHOICES


def test_a_search_of_one_letter_asks_for_more(client, coordinator, meeting):
    case_of("Okafor", "Maya", "O-1")
    client.force_login(coordinator)
    response = client.post(search_url(meeting), {"q": "o"}, headers=HX)
    assert "Type at least two letters of a name" in response.content.decode()
    assert offered(response) == []
