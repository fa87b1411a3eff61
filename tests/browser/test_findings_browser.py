"""Findings a clinician can trust, in the real Chromium (issue 17): numbers as people type them in any locale,
ambiguous numbers refused with their message, a long paste refused and kept, values that settle "raised",
questions asked only when they apply, unusual values confirmed, and readiness that follows the findings."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.meetings.models import Decision
from cases.pathways.models import PlausibilityLimit
from cases.patients.models import Case, CaseStatus
from tests.browser.conftest import assert_no_script_or_csp_errors, log_in, screenshot
from tests.meetings.factories import add_item, make_meeting, present_url
from tests.patients.factories import STAGE_IV, STAGE_IV_COMPLETE, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YES, NO = 0, 1


def step(case, slug: str) -> str:
    return reverse("pathways:step", kwargs={"public_id": case.public_id, "slug": slug})


def save(page) -> None:
    page.get_by_role("button", name="Save and continue").click()


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "de-DE", "fr-FR"])
@pytest.mark.parametrize("typed", ["2,5", "2.5"])
def test_a_size_typed_with_a_comma_or_a_point_is_stored_as_2_5_in_any_locale(
    browser, live_server, coordinator, locale, typed
):
    case = make_case(**STAGE_IV)
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    log_in(page, "coordinator")
    page.goto(step(case, "imaging"))
    size = page.locator("#id_primary_size_cm")
    expect(size).to_have_attribute("inputmode", "decimal")
    expect(size).to_have_attribute("type", "text")
    size.fill("")
    size.press_sequentially(typed)  # keystroke by keystroke, as a person types
    save(page)
    expect(page.locator("#step-heading")).to_contain_text("Functional imaging")
    assert Case.objects.get(pk=case.pk).primary_size_cm == Decimal("2.5")
    context.close()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1,234.5", "Primary tumour size (cm): “1,234.5” has 2 separators: use one decimal separator"),
        ("1.234", "Primary tumour size (cm): “1.234” is ambiguous (1234 with a thousands separator, or 1.234?)"),
        ("2.5 cm", "Primary tumour size (cm): “2.5 cm” has “cm” typed in: type the number only"),
        ("2 5", "Primary tumour size (cm): “2 5” has a space inside: type the number without spaces"),
    ],
)
def test_each_ambiguous_size_is_refused_with_its_message_and_kept(page, live_server, coordinator, typed, message):
    case = make_case(**STAGE_IV)
    before = Case.objects.filter(pk=case.pk).values().get()
    log_in(page, "coordinator")
    page.goto(step(case, "imaging"))
    page.fill("#id_primary_size_cm", typed)
    save(page)
    expect(page.locator("#div_id_primary_size_cm")).to_contain_text(message)
    expect(page.locator("#div_id_primary_size_cm")).to_contain_text("allowed: more than 0 up to 30 cm")
    expect(page.locator("#id_primary_size_cm")).to_have_value(typed)
    expect(page.locator("#id_primary_size_cm")).to_be_focused()
    assert Case.objects.filter(pk=case.pk).values().get() == before
    assert_no_script_or_csp_errors(page)


def test_a_long_pasted_plan_is_refused_with_the_message_and_kept_in_full(page, live_server, chair):
    item = add_item(make_meeting(chair))
    plan = "Resect the primary with lymphadenectomy; debulk liver; occlude " + "x" * 5940  # 6,003 characters
    log_in(page, "chair")
    page.goto(present_url(item))
    textarea = page.locator("#id_plan")
    expect(textarea).not_to_have_attribute("maxlength", "5000")
    textarea.click()
    page.keyboard.insert_text(plan)  # as a paste: the whole text lands in the field at once
    expect(page.locator("#id_plan_count")).to_contain_text("6003 / 5000 characters: 1003 too many")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator("#decision-panel")).to_contain_text(
        "Plan: 6,003 characters, 1,003 more than the 5,000 allowed. Shorten it: nothing was saved, and your text "
        "is still in the field."
    )
    expect(page.locator("#id_plan")).to_have_value(plan)
    assert not Decision.objects.filter(agenda_item=item).exists()
    screenshot(page, "findings-long-plan-refused")
    assert_no_script_or_csp_errors(page)


def test_values_and_their_upper_limit_settle_raised(page, live_server, coordinator):
    case = make_case(**STAGE_IV)
    log_in(page, "coordinator")
    page.goto(step(case, "biochemistry"))
    expect(page.locator("#div_id_urine_5hiaa_value")).to_be_hidden()  # asked once it was measured
    page.locator(f"#id_urine_5hiaa_measured_{YES}").check()
    expect(page.locator("#div_id_urine_5hiaa_value")).to_be_visible()
    page.fill("#id_urine_5hiaa_value", "210")
    page.select_option("#id_urine_5hiaa_unit", "umol/24h")
    page.fill("#id_urine_5hiaa_uln", "50")
    raised = page.locator(f"#id_urine_5hiaa_elevated_{YES}")
    expect(raised).to_be_checked()
    expect(raised).to_be_disabled()
    expect(page.locator("#div_id_urine_5hiaa_elevated")).to_contain_text(
        "Set from the value and the upper limit of normal: raised."
    )
    page.fill("#id_urine_5hiaa_uln", "")
    expect(raised).to_be_enabled()  # without the limit, "raised" is answered by hand again
    page.fill("#id_urine_5hiaa_uln", "250")
    expect(page.locator(f"#id_urine_5hiaa_elevated_{NO}")).to_be_checked()
    screenshot(page, "findings-biochemistry-derived")
    save(page)
    expect(page.locator("#step-heading")).to_contain_text("Cross-sectional imaging")
    saved = Case.objects.get(pk=case.pk)
    assert (saved.urine_5hiaa_value, saved.urine_5hiaa_uln, saved.urine_5hiaa_elevated) == (
        Decimal("210"),
        Decimal("250"),
        False,
    )
    assert_no_script_or_csp_errors(page)


def test_the_pci_is_asked_only_when_peritoneal_disease_is_yes(page, live_server, coordinator):
    case = make_case(**STAGE_IV)
    log_in(page, "coordinator")
    page.goto(step(case, "imaging"))
    pci = page.locator("#div_id_pci")
    expect(pci).to_be_hidden()
    page.locator(f"#id_peritoneal_{YES}").check()
    expect(pci).to_be_visible()
    page.fill("#id_pci", "8")
    save(page)
    expect(page.locator("#step-heading")).to_contain_text("Functional imaging")
    saved = Case.objects.get(pk=case.pk)
    assert (saved.peritoneal, saved.pci) == (True, 8)


def test_an_unusual_size_is_saved_only_once_confirmed(page, live_server, coordinator):
    # Browser tests flush the database, data migrations included: the limit of migration 0005, as content.
    PlausibilityLimit.objects.get_or_create(
        field="primary_size_cm", defaults={"warn_above": Decimal("10"), "reason": "Usually under 2 cm."}
    )
    case = make_case(**STAGE_IV)
    log_in(page, "coordinator")
    page.goto(step(case, "imaging"))
    page.fill("#id_primary_size_cm", "12")
    save(page)
    unusual = page.get_by_test_id("unusual")
    expect(unusual).to_contain_text("Primary tumour size (cm): 12 cm is above 10.")
    assert Case.objects.get(pk=case.pk).primary_size_cm == Decimal("2.2")
    screenshot(page, "findings-unusual-value")
    unusual.get_by_role("checkbox").check()
    save(page)
    expect(page.locator("#step-heading")).to_contain_text("Functional imaging")
    assert Case.objects.get(pk=case.pk).primary_size_cm == Decimal("12")


def test_readiness_follows_the_findings(page, live_server, coordinator):
    case = make_case(**STAGE_IV_COMPLETE)
    log_in(page, "coordinator")
    page.goto(case.get_absolute_url())
    expect(page.get_by_test_id("readiness")).to_have_text("! Work-up complete: not yet confirmed ready")
    page.get_by_test_id("confirm-ready").click()
    expect(page.get_by_test_id("readiness")).to_have_text("✓ Ready for the board")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.READY

    page.goto(step(case, "cardiac"))
    page.locator("#id_echo_done_2").check()  # Unknown: the echocardiogram is missing again
    save(page)
    expect(page.locator("#step-heading")).to_contain_text("Liver detail")
    expect(page.get_by_test_id("readiness")).to_have_text("! Not ready: work-up missing")  # swapped in place
    expect(page.locator("#case-readiness")).to_contain_text("Echocardiogram")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DRAFT
    screenshot(page, "findings-readiness-missing")
    assert_no_script_or_csp_errors(page)
