"""A member who follows the chair sees, without reloading, the chair move to another case and the decision
saved and signed there, each within 2 seconds."""

import pytest
from playwright.sync_api import expect

from cases.meetings.models import Attendance
from tests.browser.conftest import assert_no_script_or_csp_errors, log_in, new_page
from tests.meetings.factories import add_item, make_meeting, present_url
from tests.meetings.triggers import delete_meeting_rows_past_the_guard
from tests.patients.factories import STAGE_IV_COMPLETE, make_case, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WITHIN = 2000  # milliseconds


@pytest.fixture
def agenda(chair, clinician):
    meeting = make_meeting(chair)
    items = [
        add_item(meeting, make_case(make_patient(family_name=name), **STAGE_IV_COMPLETE), presenter=clinician)
        for name in ("Haddad", "Moreau")
    ]
    for specialty in ("surgery", "medical_oncology", "radiology", "pathology", "nuclear_medicine"):
        Attendance.objects.create(meeting=meeting, name=f"Dr {specialty}", specialty=specialty)
    Attendance.objects.create(meeting=meeting, user=clinician, specialty="medical_oncology", remote=True)
    yield items
    delete_meeting_rows_past_the_guard()


def test_a_follower_sees_the_chairs_case_and_signature_within_two_seconds(browser, page, live_server, agenda):
    first, second = agenda
    log_in(page, "chair")  # the chair's browser
    page.goto(present_url(first))

    follower = new_page(browser, live_server.url, 1366, 768)  # a second browser: the remote member's
    log_in(follower, "clinician")
    follower.goto(present_url(first))
    follower.get_by_test_id("follow").click()
    expect(follower.get_by_test_id("following")).to_be_visible()
    follower.evaluate("window.notReloaded = true")

    # The chair moves on: the follower's screen follows.
    page.keyboard.press("j")
    expect(page).to_have_url(live_server.url + present_url(second))
    expect(follower.get_by_test_id("board-header")).to_contain_text("MOREAU", timeout=WITHIN)
    assert present_url(second) in follower.url

    # The chair decides and signs: the follower sees the draft, then the signature.
    page.wait_for_load_state("load")
    page.keyboard.press("d")
    for _ in range(page.locator("#decision-panel tr[data-code]:visible").count()):
        page.keyboard.press("a")
    page.keyboard.press("1")  # the treatment intent: curative
    page.keyboard.press("s")
    expect(page.get_by_test_id("decision-status")).to_have_text("Draft")
    expect(follower.get_by_test_id("decision-status")).to_have_text("Draft", timeout=WITHIN)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("decision-status")).to_have_text("Signed")
    expect(follower.get_by_test_id("decision-status")).to_have_text("Signed", timeout=WITHIN)
    expect(follower.get_by_test_id("signature")).to_contain_text("Signed by Chair Tester", timeout=WITHIN)
    assert follower.evaluate("window.notReloaded") is True  # swapped in place, never reloaded
    assert_no_script_or_csp_errors(follower)
    assert_no_script_or_csp_errors(page)
    follower.context.close()
