"""A coordinator works the follow-up worklist in the real Chromium: a row updated in place (htmx), an invalid row
answered with its error and the typed text kept, a changed treatment brought back to the next meeting."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.meetings.models import DecidedOption, MeetingStatus
from tests.browser.conftest import assert_no_script_or_csp_errors, log_in, screenshot
from tests.meetings.factories import add_item, make_meeting, signed
from tests.meetings.triggers import delete_meeting_rows_past_the_guard
from tests.patients.factories import STAGE_IV, make_case, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def overdue(chair, clinician):
    meeting = make_meeting(chair, scheduled_at=timezone.now() - timedelta(days=60))
    case = make_case(make_patient(family_name="Haddad", given_name="Omar"), **STAGE_IV)
    decision = signed(add_item(meeting, case), clinician, chair)
    next_meeting = make_meeting(chair, MeetingStatus.PLANNED, scheduled_at=timezone.now() + timedelta(days=7))
    yield DecidedOption.objects.filter(decision=decision, status="planned").order_by("pk").first(), next_meeting
    delete_meeting_rows_past_the_guard()


def test_a_coordinator_updates_a_treatment_in_its_row_and_brings_the_case_back(page, coordinator, overdue):
    row, next_meeting = overdue
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, coordinator.username)
    page.get_by_role("link", name="Follow-up", exact=True).click()
    item = page.locator(f"#treatment-{row.decision.public_id}-{row.code}")
    expect(item).to_contain_text("overdue")

    item.get_by_label("Status").select_option("changed")
    item.get_by_label("Reason").select_option("other")
    item.get_by_role("button", name="Save").click()
    expect(item).to_contain_text("Say what happened")
    row.refresh_from_db()
    assert row.status == "planned"

    item.get_by_label("Details").fill("Converted to a debulking procedure at operation.")
    item.get_by_role("button", name="Save").click()
    expect(item).to_contain_text("changed.")
    row.refresh_from_db()
    assert (row.status, row.cause, row.cause_text) == (
        "changed", "other", "Converted to a debulking procedure at operation."
    )  # fmt: skip
    assert page.url.endswith("/follow-up/")  # the row was swapped, the page not reloaded

    item.get_by_role("button", name="Bring back to the board").click()
    expect(item).to_contain_text("is on the agenda of")
    expect(item.get_by_role("button", name="Bring back to the board")).to_have_count(0)
    assert next_meeting.agenda_items.filter(case=row.case).exists()
    screenshot(page, "follow-up-worklist")
    assert_no_script_or_csp_errors(page)
