"""The chair decides and signs a case with the keyboard alone: the shortcuts are on screen with "?", and an
all-accept case takes at most 15 key presses from the case's page to the signature."""

import pytest
from playwright.sync_api import expect

from cases.meetings import services
from cases.meetings.models import Attendance, Decision, Outcome
from tests.browser.conftest import assert_no_script_or_csp_errors, log_in
from tests.meetings.factories import add_item, make_meeting, present_url
from tests.meetings.triggers import delete_meeting_rows_past_the_guard
from tests.patients.factories import STAGE_IV_COMPLETE, make_case, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 15


@pytest.fixture
def item(chair, clinician):
    meeting = make_meeting(chair)
    item = add_item(meeting, make_case(make_patient(family_name="Haddad"), **STAGE_IV_COMPLETE), presenter=clinician)
    add_item(meeting, make_case(make_patient(family_name="Moreau"), **STAGE_IV_COMPLETE))
    for specialty in ("surgery", "medical_oncology", "radiology", "pathology", "nuclear_medicine"):
        Attendance.objects.create(meeting=meeting, name=f"Dr {specialty}", specialty=specialty)
    yield item
    delete_meeting_rows_past_the_guard()


def test_the_shortcuts_are_shown_with_a_question_mark(page, item):
    log_in(page, "chair")
    page.goto(present_url(item))
    page.keyboard.press("?")
    shortcuts = page.get_by_test_id("shortcuts")
    expect(shortcuts).to_be_visible()
    for words in (
        "Next case",
        "Previous case",
        "Jump to the decision",
        "Accept, modify or reject",
        "Treatment intent",
        "Save",
        "Sign",
    ):
        expect(shortcuts).to_contain_text(words)
    page.keyboard.press("Escape")
    expect(shortcuts).to_be_hidden()


def test_the_chair_accepts_every_option_and_signs_in_at_most_15_key_presses(page, item):
    log_in(page, "chair")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(present_url(item))
    presses = []

    def press(key: str) -> None:
        presses.append(key)
        page.keyboard.press(key)

    rows = page.locator("#decision-panel tr[data-code]:visible")
    options = rows.count()
    press("d")  # jump to the decision: the first option
    expect(rows.nth(0).locator("input[type=radio]:checked")).to_be_focused()
    for _ in range(options):
        press("a")  # accept the focused option, on to the next
    expect(page.get_by_role("button", name="Save decision")).to_be_focused()
    press("2")  # the treatment intent: palliative
    expect(page.get_by_role("radio", name="Palliative")).to_be_checked()
    press("s")  # save; the focus lands on "Sign"
    sign = page.get_by_role("button", name="Sign version 1 as chair")
    expect(sign).to_be_focused()
    press("Enter")
    expect(page.get_by_test_id("decision-status")).to_have_text("Signed")
    print(f"\nkey presses to decide and sign an all-accept case with {options} options shown: {len(presses)} "
          f"({' '.join(presses)})")  # fmt: skip
    assert len(presses) <= BUDGET

    decision = Decision.objects.get(agenda_item=item)
    assert decision.is_signed
    assert services.verify(decision)
    shown = {o["code"] for o in decision.outcomes if o["engine_verdict"] != "not_recommended"}
    assert {o["code"]: o["outcome"] for o in decision.outcomes if o["code"] in shown} == dict.fromkeys(
        shown, Outcome.ACCEPT
    )
    assert decision.plan.startswith("The board accepts: ")
    assert decision.treatment_intent == "palliative"
    assert_no_script_or_csp_errors(page)
