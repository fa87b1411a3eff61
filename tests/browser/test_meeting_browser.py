"""The chair runs a meeting in meeting mode in the real Chromium: moves between cases with the keyboard,
records a decision that departs from the engine (with its reason) and signs it."""

import re

import pytest
from playwright.sync_api import expect

from cases.meetings import services
from cases.meetings.models import Attendance, Decision
from tests.browser.conftest import ARTIFACTS, assert_no_script_or_csp_errors, screenshot
from tests.conftest import PASSWORD
from tests.meetings.factories import add_item, make_meeting, present_url
from tests.meetings.triggers import delete_meeting_rows_past_the_guard
from tests.patients.factories import STAGE_IV, make_case, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORE = ["surgery", "medical_oncology", "radiology", "pathology", "nuclear_medicine"]


@pytest.fixture
def agenda(chair, clinician):
    meeting = make_meeting(chair, title="Neuroendocrine tumour board", location="Seminar room 2")
    names = [("Haddad", "Omar"), ("Moreau", "Claire"), ("Lindgren", "Astrid")]
    items = [
        add_item(meeting, make_case(make_patient(family_name=f, given_name=g), **STAGE_IV), presenter=clinician)
        for f, g in names
    ]
    for specialty in CORE:
        Attendance.objects.create(meeting=meeting, name=f"Dr {specialty.title()}", specialty=specialty)
    yield items
    # Signed decisions must go before the test database is emptied (tests/meetings/triggers.py).
    delete_meeting_rows_past_the_guard()


def test_the_chair_runs_a_case_in_meeting_mode_with_the_keyboard_and_signs_the_decision(page, live_server, agenda):
    first, second, third = agenda
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("chair")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")

    page.goto(first.meeting.get_absolute_url())
    page.get_by_role("link", name="Open meeting mode").click()
    expect(page).to_have_url(live_server.url + present_url(first))
    expect(page.get_by_test_id("position")).to_have_text("Case 1 of 3")
    expect(page.get_by_test_id("quorum")).to_contain_text("Quorum met")
    expect(page.locator("[data-timer-elapsed]")).to_be_visible()
    expect(page.locator("[data-timer-elapsed]")).to_have_text(re.compile(r"^\d+:\d\d$"))
    screenshot(page, "meeting-mode-first-case")
    page.screenshot(path=ARTIFACTS / "meeting-mode-1920x1080.png")  # what the room sees

    # Arrow keys and j/k move between cases...
    def press(key, item):
        page.keyboard.press(key)
        expect(page).to_have_url(live_server.url + present_url(item))
        page.wait_for_load_state("load")  # meeting.js (deferred) listens again before the next key

    press("ArrowRight", second)
    press("j", third)
    press("ArrowLeft", second)
    press("k", first)
    press("ArrowRight", second)
    expect(page.get_by_test_id("position")).to_have_text("Case 2 of 3")
    # ...but not while typing in a field.
    plan = page.get_by_label("Plan", exact=True)
    plan.fill("Resect the primary; no liver surgery.")
    plan.press("ArrowLeft")
    page.keyboard.press("k")
    expect(page).to_have_url(live_server.url + present_url(second))
    expect(plan).to_have_value("Resect the primary; no liver surgeryk.")  # the cursor moved, the page did not
    plan.fill("Right hemicolectomy with lymphadenectomy; the liver metastases are left for RFA.")

    # The board rejects the recommended liver resection: without a reason the form says which option needs one.
    panel = page.locator("#decision-panel")
    # The options the engine leaves to the board ("consider") have no default: the board chooses.
    for code, outcome in [
        ("primary_resection", "accept"),
        ("right_hemicolectomy", "accept"),
        ("liver_resection", "reject"),
        ("rfa", "accept"),
        ("mwa", "reject"),
        ("ire", "reject"),
    ]:
        panel.locator(f'input[name="outcome_{code}"][value="{outcome}"]').check()
    panel.get_by_role("radio", name="Curative").check()
    page.get_by_label("What, action 1").fill("Book right hemicolectomy")
    page.get_by_label("Who, action 1").fill("Dr Lindqvist, Surgery")
    page.get_by_role("button", name="Save decision").click()
    reason = page.get_by_label("Reason for “Resection of liver metastases with curative intent”")
    expect(panel).to_contain_text(
        "Give the reason for rejecting “Resection of liver metastases with curative intent”: the engine recommends it."
    )
    expect(reason).to_be_focused()
    expect(page.get_by_label("Plan", exact=True)).to_have_value(
        "Right hemicolectomy with lymphadenectomy; the liver metastases are left for RFA."
    )
    screenshot(page, "meeting-mode-reason-required")
    reason.fill("Two small lesions in one lobe: RFA spares liver tissue and the patient prefers it.")
    page.get_by_role("button", name="Save decision").click()
    expect(panel).to_contain_text("Decision saved as a draft (version 1)")
    expect(page.get_by_test_id("decision-status")).to_have_text("Draft")

    page.get_by_role("button", name="Sign version 1 as chair").click()
    expect(page.get_by_test_id("decision-status")).to_have_text("Signed")
    expect(page.get_by_test_id("signature")).to_contain_text("Signed by Chair Tester")
    expect(panel).to_contain_text("Two small lesions in one lobe")
    screenshot(page, "meeting-mode-signed")
    panel.screenshot(path=ARTIFACTS / "meeting-mode-signed-panel.png")

    decision = Decision.objects.get()
    assert decision.status == "signed"
    assert decision.agenda_item == second
    assert services.verify(decision)
    assert {o["code"]: o["outcome"] for o in decision.outcomes}["liver_resection"] == "reject"

    # The signed case is marked in the agenda; the keyboard still works after the htmx swaps.
    press("ArrowRight", third)
    assert_no_script_or_csp_errors(page)


def test_the_coordinator_reorders_the_agenda_with_htmx_and_keeps_the_keyboard_focus(
    page, live_server, agenda, coordinator
):
    first = agenda[0]
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.goto(first.meeting.get_absolute_url())
    page.evaluate("window.notReloaded = true")

    down = page.get_by_role("button", name="Move HADDAD down")
    down.focus()
    page.keyboard.press("Enter")
    rows = page.locator("#agenda tbody tr")
    expect(rows.nth(0)).to_contain_text("MOREAU")
    expect(rows.nth(1)).to_contain_text("HADDAD")
    expect(page.get_by_role("button", name="Move HADDAD down")).to_be_focused()
    assert page.evaluate("window.notReloaded") is True  # swapped in place, not a page load
    screenshot(page, "meeting-agenda-reordered")
    assert list(
        first.meeting.agenda_items.order_by("position").values_list("case__patient__family_name", flat=True)
    ) == [
        "Moreau",
        "Haddad",
        "Lindgren",
    ]
    assert_no_script_or_csp_errors(page)
