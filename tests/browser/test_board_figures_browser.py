"""The board figures in Chromium: readable without JavaScript, charts drawn, accessible; an auditor's view has no
link to cases. Saves the screenshots of docs/kpis.md (1366x768 and 1920x1080) and the audit report PDF."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, assert_no_script_or_csp_errors, log_in, new_page, screenshot
from tests.meetings.triggers import delete_meeting_rows_past_the_guard
from tests.reports.board import build_busy_quarter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.real_pdf]


@pytest.fixture
def quarter(clinician, chair, monkeypatch):
    meetings = build_busy_quarter(clinician, chair)
    # Overdue is counted on the day of the request: the fixture's day (after signing: meeting dates are real).
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 12, 1))
    yield meetings
    delete_meeting_rows_past_the_guard()


def test_the_chair_reads_the_quarter_and_follows_a_figure_to_its_cases(browser, live_server, quarter, chair):
    for width, height in ((1366, 768), (1920, 1080)):
        page = new_page(browser, live_server.url, width, height)
        log_in(page, "chair")
        page.goto("/reports/?period=2026-Q3")
        expect(page.get_by_role("heading", name="Board figures")).to_be_visible()
        expect(page.get_by_role("img", name="Concordance with the engine, per option")).to_be_visible()
        page.screenshot(path=ARTIFACTS / f"board-figures-{width}x{height}.png")
        if width == 1366:
            screenshot(page, "board-figures-full")
            assert_no_script_or_csp_errors(page)
            with page.expect_download() as download:
                page.get_by_role("link", name="Audit report (PDF)").click()
            download.value.save_as(ARTIFACTS / "board-report-2026-Q3.pdf")
            page.locator("a[href*='figure=departed']").first.click()
            expect(page.get_by_role("heading", name="Board departed from the engine")).to_be_visible()
            assert_no_script_or_csp_errors(page)
        page.context.close()


def test_the_auditor_sees_the_charts_and_no_link_to_cases(browser, live_server, quarter, auditor):
    page = new_page(browser, live_server.url, 1366, 768)
    page.context.set_extra_http_headers({})
    log_in(page, "auditor")
    page.goto("/reports/?period=2026-Q3")
    expect(page.get_by_role("img", name="Cases per meeting")).to_be_visible()
    assert page.locator("a[href*='/reports/cases/']").count() == 0
    screenshot(page, "board-figures-auditor")
    assert_no_script_or_csp_errors(page)
    page.context.close()
