"""A guideline draft's impact preview in the real Chromium: the content editor computes it and goes on to
activation, the page follows a running preview by itself, and a chair opens the cases that would change."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from cases.jobs.models import Job
from cases.pathways.guideline_versions import start_impact_preview
from cases.pathways.impact import Tally
from cases.pathways.models import GuidelineImpact
from cases.pathways.tasks import compute_guideline_impact
from tests.browser.conftest import assert_no_script_or_csp_errors, log_in, screenshot
from tests.pathways.impact_cases import hand_counted_cases, make_draft, restore_seed_guideline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def seed_guideline(transactional_db) -> None:
    restore_seed_guideline()


SIZES = {"1366": {"width": 1366, "height": 768}, "1920": {"width": 1920, "height": 1080}}


def screenshots(page, name: str) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"{name}-{size}")


def test_an_editor_computes_the_preview_and_goes_on_to_activate(page, content_editor):
    hand_counted_cases()
    draft = make_draft(content_editor)
    log_in(page, "editor")
    screenshots(page, "impact-dashboard-before")
    page.get_by_test_id("guideline-draft").get_by_role("link", name="Impact preview").click()
    expect(page.get_by_role("heading", name="Impact of local-2027-01")).to_be_visible()

    page.get_by_role("button", name="Compute the preview").click()

    expect(page.get_by_test_id("impact-status")).to_have_attribute("data-state", "current")
    expect(page.get_by_test_id("impact-headline")).to_contain_text("2 of 7 open cases")
    matrix = page.get_by_test_id("matrix-liver_debulking")
    # From "Consider" with the version in force: 0 to Recommended, 1 stays Consider, 2 to Not recommended.
    considered = matrix.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Consider", exact=True))
    expect(considered.get_by_role("cell")).to_have_text(["0", "1", "2"])
    expect(page.get_by_role("link", name="List the cases that change")).to_have_count(0)
    screenshots(page, "impact-editor")

    page.get_by_role("button", name="Activate local-2027-01…").click()
    expect(page.get_by_test_id("activation-impact")).to_have_attribute("data-state", "current")
    expect(page.get_by_test_id("activation-impact")).to_contain_text("2 of 7 open cases")
    screenshots(page, "impact-activation")
    page.get_by_role("button", name="Yes, activate local-2027-01").click()
    expect(page.get_by_text("“local-2027-01” is now active")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == "active" and GuidelineImpact.objects.get().activated_with
    page.goto("/")
    screenshots(page, "impact-dashboard-after")
    assert_no_script_or_csp_errors(page)


def test_the_page_follows_a_running_preview_and_shows_the_result_when_it_is_there(page, content_editor):
    draft = make_draft(content_editor)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        log_in(page, "editor")
        page.goto(f"/guidelines/{draft.pk}/impact/")
        page.get_by_role("button", name="Compute the preview").click()
        expect(page.get_by_test_id("impact-status")).to_have_attribute("data-state", "running")
        preview = GuidelineImpact.objects.get()
        Job.objects.filter(pk=preview.job_id).update(status="running", progress_done=40, progress_total=100)
        expect(page.get_by_text("Assessing: 40 of 100 open cases")).to_be_visible()
        screenshots(page, "impact-running")

        result = Tally().to_json() | {"assessed_on": "2026-12-01", "seconds": 0.1}
        GuidelineImpact.objects.filter(pk=preview.pk).update(result=result, finished_at=preview.created_at)
        expect(page.get_by_test_id("impact-status")).to_have_attribute("data-state", "current", timeout=10_000)
    assert_no_script_or_csp_errors(page)


def test_a_chair_opens_the_cases_a_draft_would_change(page, live_server, content_editor, chair):
    cases = hand_counted_cases()
    draft = make_draft(content_editor)
    start_impact_preview(draft, content_editor, compute_guideline_impact)
    log_in(page, "chair")
    page.get_by_test_id("previewed-drafts").get_by_role("link", name="Which cases").click()

    table = page.get_by_test_id("impact-cases")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and two cases
    expect(table).to_contain_text("Debulking liver surgery: Consider → Not recommended")
    screenshots(page, "impact-cases-chair")
    patient = cases["bilobar_80"].patient
    table.get_by_role("link", name=f"{patient.family_name.upper()}, {patient.given_name}").click()
    expect(page).to_have_url(live_server.url + cases["bilobar_80"].get_absolute_url())
    assert_no_script_or_csp_errors(page)
