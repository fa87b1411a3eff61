"""The meeting page and meeting mode stay within their query budget however long the agenda is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.meetings.models import Attendance
from tests.meetings.factories import add_item, make_meeting, present_url, record

pytestmark = pytest.mark.django_db

# Issue 14's budget, the access log's entry (its read of the entry before it and its insert) included. Not
# counted: the savepoint around that insert, which it takes on PostgreSQL inside a transaction only, as every
# request of a test is (a request of the app runs in autocommit).
BUDGET = 12
SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT")


def build(chair, clinician, items: int):
    """A meeting in progress with ITEMS cases (every third with a draft decision) and five members."""
    meeting = make_meeting(chair)
    agenda = [add_item(meeting, presenter=clinician) for _ in range(items)]
    for item in agenda[::3]:
        record(item, clinician)
    for specialty in ("surgery", "medical_oncology", "radiology", "pathology", "nuclear_medicine"):
        Attendance.objects.create(meeting=meeting, name=f"Dr {specialty}", specialty=specialty)
    return meeting, agenda


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len([query for query in queries if not query["sql"].startswith(SAVEPOINTS)])


@pytest.mark.parametrize("page", ["meeting page", "meeting mode"])
def test_a_page_needs_as_many_queries_for_30_cases_as_for_3_within_the_budget(client, chair, clinician, page):
    counts = {}
    for size in (3, 30):
        meeting, agenda = build(chair, clinician, size)
        url = meeting.get_absolute_url() if page == "meeting page" else present_url(agenda[0])
        client.force_login(chair)
        count(client, url)  # warm the session
        counts[size] = count(client, url)
    assert counts[3] == counts[30], counts
    assert counts[30] <= BUDGET, counts


def test_the_dashboard_needs_no_query_per_ready_case(client, chair):
    from cases.patients.models import CaseStatus
    from tests.patients.factories import STAGE_IV, make_case

    client.force_login(chair)
    make_case(status=CaseStatus.READY, **STAGE_IV)
    few = count(client, reverse("dashboard"))
    for _ in range(10):
        make_case(status=CaseStatus.READY, **STAGE_IV)
    assert count(client, reverse("dashboard")) == few


@pytest.mark.parametrize("htmx", [True, False])
def test_saving_a_decision_evaluates_the_case_once(client, chair, monkeypatch, htmx):
    from cases.meetings import views
    from tests.meetings.factories import decision_post, save_url
    from tests.patients.factories import STAGE_IV, make_case

    item = add_item(make_meeting(chair), make_case(**STAGE_IV))
    calls = []
    real_assess = views.assess
    monkeypatch.setattr(views, "assess", lambda *a, **kw: calls.append(1) or real_assess(*a, **kw))
    client.force_login(chair)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(save_url(item), decision_post(item), headers=headers)
    assert response.status_code == (200 if htmx else 303)
    assert item.decisions.count() == 1
    assert len(calls) == 1
