"""Finding people in the real Chromium: the patient list's search and the agenda's "Add a case", as a
coordinator types them (lower case, no accents, family name last), swapped in by htmx, no name in the URL."""

import pytest
from playwright.sync_api import expect

from cases.meetings.models import AgendaItem
from cases.patients.models import CaseStatus
from tests.browser.conftest import assert_no_script_or_csp_errors, log_in, screenshot
from tests.meetings.factories import make_meeting
from tests.meetings.triggers import delete_meeting_rows_past_the_guard
from tests.patients.factories import STAGE_IV, make_case, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    hendrik = make_patient(family_name="van der Berg", given_name="Hendrik", hospital_number="H-2002-17")
    make_patient(family_name="Müller", given_name="Anna", hospital_number="H-2002-18")
    make_patient(family_name="Okafor", given_name="Maya", hospital_number="H-3000-01")
    return hendrik


def test_the_patient_search_finds_a_name_typed_in_any_order_without_a_page_load(page, live_server, people, viewer):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "viewer")
    page.goto("/patients/")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Name or hospital number").fill("hendrik van der berg")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#results")
    expect(results).to_contain_text("1 patient matching your search")
    expect(results).to_contain_text("VAN DER BERG, Hendrik")
    expect(results).not_to_contain_text("OKAFOR")
    assert page.evaluate("window.notReloaded") is True
    assert page.url.endswith("/patients/")
    page.get_by_label("Name or hospital number").fill("muller")
    page.get_by_role("button", name="Search").click()
    expect(results).to_contain_text("MÜLLER, Anna")
    page.get_by_label("Name or hospital number").fill("h-2002")
    page.get_by_role("button", name="Search").click()
    expect(results).to_contain_text("2 patients matching your search")
    screenshot(page, "patient-search")
    assert_no_script_or_csp_errors(page)


def test_the_coordinator_finds_a_case_for_the_agenda_and_adds_it(page, live_server, coordinator, chair, clinician):
    meeting = make_meeting(chair, status="planned", title="Thursday board")
    make_case(make_patient(family_name="Lindgren", given_name="Astrid"), status=CaseStatus.READY, **STAGE_IV)
    wanted = make_case(make_patient(family_name="Ó Súilleabháin", given_name="Seán"), **STAGE_IV)
    try:
        page.set_viewport_size({"width": 1366, "height": 768})
        log_in(page, "coordinator")
        page.goto(meeting.get_absolute_url())
        page.evaluate("window.notReloaded = true")
        candidates = page.locator("#agenda-candidates")
        expect(candidates).to_contain_text("LINDGREN, Astrid")  # the ready shortlist
        page.get_by_label("Find a case by patient name or hospital number").fill("sean o suilleabhain")
        page.get_by_role("button", name="Find").click()
        expect(candidates).to_contain_text("Ó SÚILLEABHÁIN, Seán")
        expect(candidates).not_to_contain_text("LINDGREN")
        screenshot(page, "agenda-find-a-case")
        candidates.get_by_label("Ó SÚILLEABHÁIN, Seán", exact=False).check()
        page.get_by_label("Presenter").select_option(label=clinician.get_full_name())
        page.get_by_role("button", name="Add to agenda").click()
        expect(page.locator("#agenda tbody tr")).to_contain_text("Ó SÚILLEABHÁIN, Seán")
        assert page.evaluate("window.notReloaded") is True
        item = AgendaItem.objects.get(meeting=meeting)
        assert (item.case, item.presenter) == (wanted, clinician)
        assert_no_script_or_csp_errors(page)
    finally:
        delete_meeting_rows_past_the_guard()
