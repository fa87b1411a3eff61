"""In the real Chromium: a coordinator imports patients from a CSV file after the dry run; a viewer downloads a
signed decision as FHIR."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.patients.models import Patient
from tests.browser.conftest import assert_no_script_or_csp_errors, log_in, screenshot
from tests.meetings.factories import add_item, make_meeting, signed
from tests.meetings.triggers import delete_meeting_rows_past_the_guard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "hospital_number,family_name,given_names,date_of_birth,sex\n"
    "H100,Berg,Ingrid Sofie,1950-06-01,F\n"
    "H101,Nakamura,Ken,1949-13-01,M\n"
    "H102,Okafor,Chidi,1961-04-02,male\n"
)


def test_a_coordinator_checks_a_csv_file_then_imports_it(page, coordinator):
    log_in(page, "coordinator")
    page.goto("/patients/")
    page.get_by_role("link", name="Import patients").click()
    page.get_by_label("File of patients").set_input_files(
        files=[{"name": "from-pas.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_test_id("import-counts")).to_contain_text("2 to create")
    expect(page.get_by_test_id("import-rows")).to_contain_text("date_of_birth: '1949-13-01' is not a date")
    assert "H100" not in page.url
    assert Patient.objects.count() == 0
    for width, height in ((1366, 768), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"patient-import-dry-run-{width}")

    page.get_by_label("I have checked the rows: import them").check()
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_test_id("job")).to_have_attribute("data-status", "done")
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_test_id("import-done")).to_contain_text("2 created")
    assert sorted(Patient.objects.values_list("hospital_number", flat=True)) == ["H100", "H102"]
    assert_no_script_or_csp_errors(page)


@pytest.fixture
def decision(chair, clinician):
    yield signed(add_item(make_meeting(chair)), clinician, chair)
    # Signed decisions must go before the test database is emptied (tests/meetings/triggers.py).
    delete_meeting_rows_past_the_guard()


def test_a_viewer_downloads_a_signed_decision_as_fhir(page, viewer, decision):
    log_in(page, "viewer")
    page.goto(decision.get_absolute_url())
    with page.expect_download() as download:
        page.get_by_test_id("fhir-download").click()
    bundle = json.loads(Path(download.value.path()).read_text())
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert download.value.suggested_filename == f"mdt-decision-{decision.public_id}.fhir.json"
    screenshot(page, "decision-with-fhir-download")
    assert_no_script_or_csp_errors(page)
