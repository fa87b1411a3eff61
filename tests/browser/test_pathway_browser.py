"""A coordinator registers a patient and walks a stage IV case with liver metastases through every
step in the real Chromium, watching the live assessment panel."""

import pytest
from playwright.sync_api import expect

from cases.patients.models import Case
from tests.browser.conftest import assert_no_script_or_csp_errors, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YES, NO, UNKNOWN = 0, 1, 2


def answer(page, **answers):
    """Fill a step: booleans tick Yes/No, strings go into selects or text inputs."""
    for name, value in answers.items():
        if isinstance(value, bool):
            page.locator(f"#id_{name}_{YES if value else NO}").check()
        elif page.locator(f"select#id_{name}").count():
            page.select_option(f"#id_{name}", value)
        else:
            page.fill(f"#id_{name}", value)


def save(page, next_title):
    page.get_by_role("button", name="Save and continue").click()
    heading = page.locator("#step-heading")
    expect(heading).to_contain_text(next_title)
    expect(heading).to_be_focused()  # focus follows the new step for keyboard and screen-reader users


def verdict(page, code):
    return page.locator(f'#assessment-panel li[data-code="{code}"]')


def test_a_stage_iv_case_is_walked_through_every_step(page, live_server, coordinator):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")

    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Register a patient").click()
    page.get_by_label("Hospital number").fill("H900100")
    page.get_by_label("Family name").fill("Varga")
    page.get_by_label("Given name").fill("Ilona")
    page.get_by_label("Date of birth").fill("1960-05-09")
    page.get_by_label("Sex").select_option("female")
    page.get_by_role("button", name="Register").click()

    page.get_by_label("Referral date").fill("2026-11-02")
    page.get_by_label("Referring clinician").fill("Dr Kovacs")
    page.get_by_label("Question for the board").fill("Terminal ileal NET with liver metastases: one-stage resection?")
    page.get_by_role("button", name="Create case and open the pathway").click()

    expect(page.locator("#step-heading")).to_contain_text("Presentation")
    answer(
        page,
        assessed_on="2026-10-20",
        symptomatic=True,
        carcinoid_syndrome=True,
        emergency_presentation=False,
        family_history=False,
        ecog="0",
        major_comorbidity=False,
    )
    save(page, "Biochemistry")
    expect(page).to_have_url(f"{live_server.url}/cases/{Case.objects.get().public_id}/pathway/biochemistry/")

    answer(
        page,
        labs_date="2026-10-12",
        chromogranin_a_measured=True,
        chromogranin_a_elevated=False,
        urine_5hiaa_measured=True,
        urine_5hiaa_elevated=True,
        nt_probnp_pg_ml="180",
    )
    save(page, "Cross-sectional imaging")

    answer(
        page,
        imaging_date="2026-10-14",
        ct_or_mri_done=True,
        primary_site="terminal_ileum",
        primary_size_cm="2.2",
        multifocal=False,
        mesenteric_mass_cm="2.5",
        encases_mesenteric_vessels=False,
        mesenteric_stage="2",
        liver_lesions="2",
        liver_max_diameter_cm="3",
        liver_bilobar=False,
        liver_involvement_percent="5",
        peritoneal=False,
        extra_abdominal=False,
        perihilar_nodes_only=False,
        extrahepatic_progressive=False,
    )
    # What if it were bilobar? The panel answers before anything is saved.
    page.locator(f"#id_liver_bilobar_{YES}").check()
    expect(page.get_by_test_id("preview-banner")).to_be_visible()
    screenshot(page, "pathway-what-if-bilobar")
    page.locator(f"#id_liver_bilobar_{NO}").check()
    save(page, "Functional imaging")

    answer(page, functional_imaging_date="2026-10-16", sstr_imaging_done=True, fdg_pet_done=False)
    save(page, "Histology and grade")

    answer(
        page,
        histology_date="2026-10-09",
        histology_available=True,
        differentiation="well",
        ki67_percent="150",
        ki67_specimen="biopsy",
        mitoses_per_2mm2="2",
        small_cell=False,
        primary_invasion="subserosa",
        primary_resected=False,
    )
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#id_ki67_percent")).to_be_focused()  # focus goes to the first error
    expect(page.locator("#step-form")).to_contain_text(
        "Ki-67 index (%): enter a value from 0 to 100 (you entered 150)."
    )
    expect(page.locator("#assessment-panel")).to_have_count(1)
    expect(page.locator("#id_ki67_percent")).to_have_value("150")
    page.fill("#id_ki67_percent", "5")
    save(page, "Cardiac assessment")

    answer(page, cardiac_date="2026-10-21", echo_done=True, carcinoid_heart_disease="none", right_heart_failure=False)
    save(page, "Liver detail")

    answer(
        page,
        liver_assessment_date="2026-10-14",
        liver_near_vital_structures=False,
        portal_vein_thrombosis=False,
        liver_failure=False,
        biliary_enteric_anastomosis=False,
        hepatopulmonary_shunt=False,
        liver_resectable_percent="100",
        stable_months="3",
        portal_venous_drainage=True,
    )
    save(page, "Summary")

    expect(page.get_by_test_id("preview-banner")).to_have_count(0)  # the saved assessment, not a what-if
    expect(page.get_by_test_id("tnm")).to_have_text("T3 N2 M1 (M1a)")
    expect(page.get_by_test_id("stage")).to_have_text("IV")
    expect(page.get_by_test_id("grade")).to_have_text("G2")
    expect(page.get_by_test_id("missing-workup")).to_contain_text("None")
    for code, expected in {
        "primary_resection": "recommended",
        "right_hemicolectomy": "recommended",
        "ileocecal_valve_preservation": "not_recommended",
        "liver_resection": "recommended",
        "perioperative_ssa": "recommended",
        "liver_transplant": "not_recommended",
    }.items():
        expect(verdict(page, code)).to_have_attribute("data-verdict", expected)
    verdict(page, "liver_resection").locator("summary").click()
    expect(verdict(page, "liver_resection")).to_contain_text("ref 42")
    expect(page.locator(".rail-done")).to_have_count(8)
    screenshot(page, "pathway-summary")

    case = Case.objects.get()
    assert (case.liver_lesions, float(case.ki67_percent), case.liver_bilobar) == (2, 5.0, False)
    assert_no_script_or_csp_errors(page)
