"""The board figures' pages (/reports/): the dashboard, its CSV and audit report PDF, and the cases behind a
figure; the period from the query string; the auditor sees numbers and nothing that names a patient."""

import csv
import io
from datetime import date

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.audit.models import AccessAction, AccessLog
from cases.downloads import csv_cell
from cases.patients.models import Patient
from tests.meetings.factories import add_item, make_meeting, signed
from tests.reports.board import at, build

pytestmark = pytest.mark.django_db
BOARD, CSV, PDF, CASES = (reverse(f"reports:{name}") for name in ("board", "board_csv", "board_pdf", "board_cases"))


@pytest.fixture
def board(clinician, chair, monkeypatch):
    world = build(clinician, chair)
    # Overdue is counted on the day of the request: the fixture's day.
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 12, 1))
    return world


def identifiers() -> list[str]:
    """Everything in the fixture that names a patient, and a reason typed by the board about one."""
    people = Patient.objects.values_list("family_name", "given_name", "hospital_number")
    return [value for row in people for value in row] + ["The patient declined surgery."]


def test_the_chair_sees_the_quarter_with_each_figure_leading_to_its_cases(client, chair, board):
    client.force_login(chair)
    response = client.get(BOARD, {"period": "2026-Q3"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Q3 2026" in page
    assert f'href="{CASES}?period=2026-Q3&amp;figure=deferred"' in page
    assert "<svg" in page and "<title" in page  # the charts are inline SVG with titles
    assert "<script" not in page.split("<main", 1)[-1].split("</main>")[0]


def test_the_default_period_is_the_current_quarter(client, chair, board):
    client.force_login(chair)
    response = client.get(BOARD)
    assert response.status_code == 200
    assert response.context["figures"].period.key == "2026-Q4"
    assert response.context["figures"].items["listed"] == 1  # meeting D, 10 October


def test_a_year_holds_every_meeting_of_it(client, clinician, board):
    client.force_login(clinician)
    response = client.get(BOARD, {"period": "2026"})
    assert response.context["figures"].items["listed"] == 7


FULLWIDTH_2026 = "\uff12\uff10\uff12\uff16"  # digits a regex's \\d would take


@pytest.mark.parametrize(
    "period", ["2026-Q5", "Q3-2026", "1800", "2026-Q3'; DROP TABLE cases", "<b>x</b>", FULLWIDTH_2026]
)
def test_a_bad_period_is_refused_with_a_message_naming_what_is_allowed(client, chair, board, period):
    client.force_login(chair)
    for url in (BOARD, CSV, PDF):
        response = client.get(url, {"period": period})
        assert response.status_code == 400
        assert "Period: enter a quarter like 2026-Q3 or a year like 2026" in response.content.decode()
        assert "<b>x</b>" not in response.content.decode()


def test_the_auditor_sees_numbers_and_no_link_to_cases(client, auditor, board):
    client.force_login(auditor)
    response = client.get(BOARD, {"period": "2026-Q3"})
    assert response.status_code == 200
    assert response.context["figures"].items["listed"] == 6
    assert CASES not in response.content.decode()
    assert client.get(CASES, {"period": "2026-Q3", "figure": "listed"}).status_code == 403


def test_the_auditor_gets_no_patient_data_on_the_page_in_the_csv_or_in_the_pdf(client, auditor, board):
    client.force_login(auditor)
    page = client.get(BOARD, {"period": "2026-Q3"}).content.decode()
    table = client.get(CSV, {"period": "2026-Q3"}).content.decode()
    names = identifiers()
    for text in (page, table):
        assert [name for name in names if name in text] == []


@pytest.mark.real_pdf
def test_the_audit_report_pdf_has_the_figures_and_no_patient_data(client, auditor, board):
    client.force_login(auditor)
    response = client.get(PDF, {"period": "2026-Q3"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="board-report-2026-Q3.pdf"'
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Tumour board audit report" in text and "Concordance with the guideline engine" in text
    assert "6 / 4 / 1 / 1" in text  # listed / discussed / deferred / not discussed
    assert [name for name in identifiers() if name in text] == []


def test_the_csv_has_one_figure_a_line(client, clinician, board):
    client.force_login(clinician)
    response = client.get(CSV, {"period": "2026-Q3"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="board-figures-2026-Q3.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["period", "section", "meeting", "option", "figure", "value"]
    period = {row[4]: row[5] for row in rows if row[1] == "period"}
    assert (period["listed"], period["discussed"], period["deferred"], period["not_discussed"]) == ("6", "4", "1", "1")
    assert (period["meetings"], period["quorum_met"], period["actions_overdue"]) == ("2", "1", "2")
    assert period["referral_to_first_decision_median_days"] == "19"
    assert ["2026-Q3", "concordance", "", "rfa", "departed", "1"] in rows


@pytest.mark.parametrize("value", ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx"])
def test_a_csv_cell_a_spreadsheet_would_run_is_defused(value):
    assert csv_cell(value) == f"'{value}"


def test_the_cases_behind_a_figure_are_listed_and_the_reading_recorded(client, chair, board):
    client.force_login(chair)
    response = client.get(CASES, {"period": "2026-Q3", "figure": "deferred"})
    assert response.status_code == 200
    patient = board["a3"].case.patient
    page = response.content.decode()
    assert patient.hospital_number in page
    others = [board[name].case.patient.hospital_number for name in ("a1", "a2", "a4", "b1")]
    assert [number for number in others if number in page] == []
    assert AccessLog.objects.filter(action=AccessAction.VIEW, path=CASES).exists()


def test_the_cases_behind_a_departure_show_the_board_reason(client, clinician, board):
    client.force_login(clinician)
    response = client.get(CASES, {"period": "2026-Q3", "figure": "departed", "code": "liver_resection"})
    assert response.status_code == 200
    assert "The patient declined surgery." in response.content.decode()
    assert board["a2"].case.patient.hospital_number in response.content.decode()


def test_the_cases_of_one_meeting(client, chair, board):
    client.force_login(chair)
    response = client.get(CASES, {"period": "2026-Q3", "figure": "discussed", "meeting": board["b"].public_id})
    assert {item.pk for item in response.context["page"].object_list} == {board["b1"].pk, board["b2"].pk}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"figure": "everything"}, "Figure: choose one of"),
        ({"figure": "listed", "meeting": "42"}, "Meeting: give a meeting&#x27;s identifier (a UUID)."),
        ({"figure": "listed", "meeting": "0c8e4c1e-0000-4000-8000-000000000000"}, "there is no meeting with this"),
        ({"figure": "departed", "code": "DROP TABLE"}, "Option: give an option&#x27;s code"),
        ({"figure": "listed", "code": "rfa"}, "Option and reason apply only to the figures"),
        ({"figure": "not_done", "cause": "bored"}, "Reason: choose one of"),
        ({"figure": "listed", "period": "2026-Q9"}, "Period: enter a quarter"),
    ],
)
def test_a_bad_drill_down_is_refused_with_a_message(client, chair, board, query, message):
    client.force_login(chair)
    response = client.get(CASES, {"period": "2026-Q3"} | query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_drill_down_pages_by_keyset(client, chair, board, monkeypatch):
    monkeypatch.setattr("cases.reports.board_views.CASES_PAGE", 4)
    client.force_login(chair)
    first = client.get(CASES, {"period": "2026-Q3"}).context["page"]
    assert first.has_next and len(first.object_list) == 4
    second = client.get(CASES, {"period": "2026-Q3", "after": first.last_id}).context["page"]
    seen = [item.pk for item in first.object_list + second.object_list]
    assert sorted(seen) == sorted(board[name].pk for name in ("a1", "a2", "a3", "a4", "b1", "b2"))


def test_the_dashboard_makes_as_many_queries_for_one_meeting_more(client, chair, clinician, board):
    client.force_login(chair)
    client.get(BOARD, {"period": "2026-Q3"})
    with CaptureQueriesContext(connection) as before:
        client.get(BOARD, {"period": "2026-Q3"})
    more = make_meeting(chair, scheduled_at=at(date(2026, 9, 2)))
    signed(add_item(more), clinician, chair)
    add_item(more)
    with CaptureQueriesContext(connection) as after:
        response = client.get(BOARD, {"period": "2026-Q3"})
    assert response.context["figures"].items["listed"] == 8
    assert len(after) == len(before)
