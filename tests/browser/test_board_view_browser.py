"""The board view fits the laptop that drives the projector: at 1366 x 768 and 1920 x 1080 the one-line case header
and the first options are visible without scrolling, in type readable from the back of the room."""

import pytest
from playwright.sync_api import expect

from cases.meetings.models import Attendance
from tests.browser.conftest import ARTIFACTS, assert_no_script_or_csp_errors, log_in
from tests.meetings.factories import add_item, make_meeting, present_url
from tests.meetings.triggers import delete_meeting_rows_past_the_guard
from tests.patients.factories import STAGE_IV_COMPLETE, make_case, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORE = ["surgery", "medical_oncology", "radiology", "pathology", "nuclear_medicine"]
QUESTION = (
    "Stage IV ileal NET with two liver metastases in the right lobe and carcinoid syndrome: one-stage resection "
    "of the primary and the liver metastases, or resection of the primary and ablation of the liver lesions?"
)


@pytest.fixture
def board_item(chair, clinician):
    meeting = make_meeting(chair, title="Neuroendocrine tumour board", location="Seminar room 2")
    patient = make_patient(family_name="Haddad", given_name="Omar")
    item = add_item(meeting, make_case(patient, question=QUESTION, ecog=1, **STAGE_IV_COMPLETE), presenter=clinician)
    add_item(meeting, make_case(make_patient(family_name="Moreau", given_name="Claire"), **STAGE_IV_COMPLETE))
    for specialty in CORE:
        Attendance.objects.create(meeting=meeting, name=f"Dr {specialty.title()}", specialty=specialty)
    yield item
    delete_meeting_rows_past_the_guard()


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_the_header_and_the_first_options_are_above_the_fold(page, board_item, width, height):
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, "chair")
    page.goto(present_url(board_item))
    expect(page.locator("nav.navbar")).to_have_count(0)  # no site navbar in meeting mode
    header = page.get_by_test_id("board-header")
    for words in ("HADDAD, Omar", "66 years", "Female", "MRN", "terminal ileum 2.2 cm", "T3 N2 M1 · stage IV",
                  "G2 · Ki-67 5 %", "liver one lobe, 2 lesions", "carcinoid syndrome", "ECOG 1"):  # fmt: skip
        expect(header).to_contain_text(words)
    expect(page.get_by_test_id("question")).to_contain_text("one-stage resection")

    box = header.bounding_box()
    assert box["y"] + box["height"] <= height, box
    rows = page.locator("#decision-panel tr[data-code]")
    first_verdicts = [rows.nth(n).locator(".verdict").inner_text() for n in range(2)]
    assert all("Recommended" in v for v in first_verdicts), first_verdicts
    for n in range(2):
        row = rows.nth(n).bounding_box()
        assert row["y"] + row["height"] <= height, (n, row)  # the option, its why and its controls
    title_px = float(rows.nth(0).locator(".option-title").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    why_px = float(rows.nth(0).locator(".option-why").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    boxes = [rows.nth(n).bounding_box() for n in range(rows.count()) if rows.nth(n).is_visible()]
    above = sum(1 for b in boxes if b["y"] + b["height"] <= height)
    print(
        f"\n{width}x{height}: header ends at y={box['y'] + box['height']:.0f}, option text {title_px:.1f} px, "
        f"why {why_px:.1f} px, options above the fold: {above} of {len(boxes)}"
    )
    if width == 1920:
        assert title_px >= 22
        assert why_px >= 18
    # What the room sees (the README's screenshots are copies of these).
    page.screenshot(path=ARTIFACTS / f"meeting-mode-{width}x{height}.png")
    assert_no_script_or_csp_errors(page)


def test_the_zoom_control_enlarges_the_board_and_is_remembered(page, board_item):
    page.set_viewport_size({"width": 1920, "height": 1080})
    log_in(page, "chair")
    page.goto(present_url(board_item))
    title = page.locator("#decision-panel tr[data-code] .option-title").first
    before = float(title.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    page.get_by_role("button", name="A+ larger text").click()
    after = float(title.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert after > before
    page.reload()
    assert float(title.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) == after
    page.get_by_role("button", name="A\u2212 smaller text").click()
    assert float(title.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) == before
