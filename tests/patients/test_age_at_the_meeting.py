"""The patient's age on the day of the board, wherever the patient is shown, and the one the engine uses."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.patients.display import age_text
from cases.reports.summary import case_summary_html
from tests.meetings.factories import add_item, make_meeting, present_url
from tests.patients.factories import STAGE_IV, make_case, make_patient

pytestmark = pytest.mark.django_db


def born_years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return (day - timedelta(days=1)).replace(year=day.year - years)


@pytest.fixture
def birthday_before_the_meeting(chair):
    """A patient who turns 55 between today and the meeting in ten days (transplant's Mazzaferro limit)."""
    meeting_day = timezone.localdate() + timedelta(days=10)
    patient = make_patient(date_of_birth=born_years_before(meeting_day - timedelta(days=3), 55))
    case = make_case(patient=patient, **{**STAGE_IV, "liver_resectable_percent": "40"})
    meeting = make_meeting(chair, status="planned", scheduled_at=timezone.now() + timedelta(days=10))
    return add_item(meeting, case), meeting_day


def test_the_age_reads_at_the_meeting_or_today():
    patient = make_patient(date_of_birth=date(1960, 5, 9))
    assert age_text(patient, date(2026, 12, 8), meeting_day=True) == "66 years at the meeting of 08 Dec 2026"
    assert age_text(patient, date(2026, 5, 8), meeting_day=False) == "65 years today"


def test_the_case_page_and_the_pathway_show_the_age_at_the_next_meeting(
    client, coordinator, birthday_before_the_meeting
):
    item, day = birthday_before_the_meeting
    client.force_login(coordinator)
    expected = f"55 years at the meeting of {day:%d %b %Y}"
    assert expected in client.get(item.case.get_absolute_url()).content.decode()
    pathway = reverse("pathways:step", kwargs={"public_id": item.case.public_id, "slug": "presentation"})
    assert expected in client.get(pathway).content.decode()


def test_without_a_meeting_the_age_is_today(client, coordinator):
    case = make_case(patient=make_patient(date_of_birth=born_years_before(timezone.localdate(), 70)), **STAGE_IV)
    client.force_login(coordinator)
    assert "70 years today" in client.get(case.get_absolute_url()).content.decode()


def test_the_agenda_and_meeting_mode_show_the_age_at_the_meeting(client, coordinator, birthday_before_the_meeting):
    item, day = birthday_before_the_meeting
    client.force_login(coordinator)
    agenda = client.get(item.meeting.get_absolute_url()).content.decode()
    assert f"{item.case.patient.hospital_number} · 55 years" in agenda
    assert f"55 years at the meeting of {day:%d %b %Y}" in client.get(present_url(item)).content.decode()


def test_the_engine_weighs_the_age_at_the_meeting(client, coordinator, birthday_before_the_meeting):
    item, _ = birthday_before_the_meeting
    client.force_login(coordinator)
    response = client.get(present_url(item))
    transplant = response.context["result"].assessment.recommendation("liver_transplant")
    assert any(reason.startswith("Age 55:") for reason in transplant.reasons)


def test_the_summary_pdf_heads_each_page_with_the_age(birthday_before_the_meeting):
    item, _ = birthday_before_the_meeting
    html = case_summary_html(item.case, None)
    assert f"born {item.case.patient.date_of_birth:%d %b %Y} · 54 years today" in html


def test_the_case_read_for_a_page_brings_its_board_day_the_same_as_reading_it_alone(chair, coordinator):
    """A case page or pathway step reads the next meeting in the case's own query (Case.next_board_subquery): the same
    day as the case's own query of its agenda, for the earliest open meeting, and never a closed one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.patients.access import get_case
    from cases.patients.models import Case

    case = make_case(**STAGE_IV)
    alone = Case.objects.get(pk=case.pk)
    assert get_case(coordinator, case.public_id).board_day() == alone.board_day() == (timezone.localdate(), False)
    later = make_meeting(chair, status="planned", scheduled_at=timezone.now() + timedelta(days=20))
    sooner = make_meeting(chair, status="planned", scheduled_at=timezone.now() + timedelta(days=5))
    closed = make_meeting(chair, status="closed", scheduled_at=timezone.now() - timedelta(days=1))
    for meeting in (later, sooner, closed):
        add_item(meeting, case)
    read = get_case(coordinator, case.public_id)
    with CaptureQueriesContext(connection) as queries:
        day = read.board_day()
    assert len(queries) == 0
    assert day == Case.objects.get(pk=case.pk).board_day() == (timezone.localdate(sooner.scheduled_at), True)


def test_the_shared_next_board_expression_reads_each_cases_own_meeting(chair):
    """Case.next_board_subquery is one expression per process: each case's query resolves a copy of it, so two
    cases on different meetings, read one after the other and in one query, each get their own meeting's day."""
    from cases.patients.access import get_case
    from cases.patients.models import Case

    soon, later = timezone.now() + timedelta(days=3), timezone.now() + timedelta(days=20)
    cases = []
    for when in (soon, later):
        case = make_case(**STAGE_IV)
        add_item(make_meeting(chair, status="planned", scheduled_at=when), case=case)
        cases.append(case)
    unplanned = make_case(**STAGE_IV)
    days = [get_case(chair, case.public_id).board_day() for case in (*cases, unplanned)]
    assert days == [(timezone.localdate(soon), True), (timezone.localdate(later), True), (timezone.localdate(), False)]
    together = Case.objects.annotate(next_board_at=Case.next_board_subquery()).in_bulk([c.pk for c in cases])
    assert [together[c.pk].next_board_at for c in cases] == [soon, later]
    assert Case.next_board_subquery() is Case.next_board_subquery()
