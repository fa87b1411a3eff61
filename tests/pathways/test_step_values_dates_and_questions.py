"""Values and dates behind the findings on the pathway's steps, and which questions each step asks."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.pathways.steps import STEPS, findings_by_step, recorded_findings_by_step, unknown_fields
from cases.patients.models import Case
from tests.pathways.test_pathway_steps import imaging_post, snapshot, step_url
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage_iv_case():
    return make_case(**STAGE_IV)


def biochemistry_post(case, **changes):
    data = {
        "version": case.version,
        "labs_date": "2026-09-08",
        "chromogranin_a_measured": "unknown",
        "chromogranin_a_value": "",
        "chromogranin_a_unit": "",
        "chromogranin_a_uln": "",
        "chromogranin_a_elevated": "unknown",
        "urine_5hiaa_measured": "unknown",
        "urine_5hiaa_value": "",
        "urine_5hiaa_unit": "",
        "urine_5hiaa_uln": "",
        "urine_5hiaa_elevated": "unknown",
        "nt_probnp_pg_ml": "",
    }
    data.update(changes)
    return data


HIAA = {"urine_5hiaa_unit": "umol/24h", "urine_5hiaa_uln": "50"}


@pytest.mark.parametrize(("value", "raised"), [("210", True), ("50", False), ("12,5", False)])
def test_raised_5hiaa_is_derived_from_the_value_and_upper_limit(client, coordinator, stage_iv_case, value, raised):
    client.force_login(coordinator)
    data = biochemistry_post(stage_iv_case, urine_5hiaa_value=value, **HIAA)
    assert client.post(step_url(stage_iv_case, "biochemistry"), data).status_code == 303
    case = Case.objects.get(pk=stage_iv_case.pk)
    assert case.urine_5hiaa_elevated is raised
    assert case.urine_5hiaa_measured is True  # a value proves it was measured
    assert case.labs_date == date(2026, 9, 8)


def test_raised_chromogranin_a_is_derived_and_enterable_alone(client, coordinator, stage_iv_case):
    client.force_login(coordinator)
    data = biochemistry_post(
        stage_iv_case, chromogranin_a_value="310", chromogranin_a_unit="ng/mL", chromogranin_a_uln="100"
    )
    assert client.post(step_url(stage_iv_case, "biochemistry"), data).status_code == 303
    assert Case.objects.get(pk=stage_iv_case.pk).chromogranin_a_elevated is True
    case = Case.objects.get(pk=stage_iv_case.pk)
    alone = biochemistry_post(case, chromogranin_a_elevated="false")
    assert client.post(step_url(case, "biochemistry"), alone).status_code == 303
    case = Case.objects.get(pk=stage_iv_case.pk)
    assert (case.chromogranin_a_elevated, case.chromogranin_a_value) == (False, None)


def test_a_raised_answer_contradicting_the_values_is_refused_with_both(client, coordinator, stage_iv_case):
    client.force_login(coordinator)
    before = snapshot(stage_iv_case)
    data = biochemistry_post(stage_iv_case, urine_5hiaa_value="210", urine_5hiaa_elevated="false", **HIAA)
    response = client.post(step_url(stage_iv_case, "biochemistry"), data)
    assert response.status_code == 422
    (error,) = response.context["form"].errors["urine_5hiaa_elevated"]
    assert error == (
        "Cannot be false when “24-h urine 5-HIAA” (210) is above “24-h urine 5-HIAA upper limit of normal” (50)."
    )
    assert snapshot(stage_iv_case) == before


def test_a_value_without_its_unit_is_refused(client, coordinator, stage_iv_case):
    client.force_login(coordinator)
    data = biochemistry_post(stage_iv_case, urine_5hiaa_value="210")
    response = client.post(step_url(stage_iv_case, "biochemistry"), data)
    assert response.status_code == 422
    assert "a value needs its unit" in response.context["form"].errors["urine_5hiaa_unit"][0]


def test_a_value_reads_with_its_unit_on_the_record(stage_iv_case):
    Case.objects.filter(pk=stage_iv_case.pk).update(
        urine_5hiaa_value=Decimal("210"), urine_5hiaa_unit="umol/24h", urine_5hiaa_uln=Decimal("50")
    )
    case = Case.objects.get(pk=stage_iv_case.pk)
    (_, rows), *_ = [entry for entry in findings_by_step(case) if entry[0].slug == "biochemistry"]
    shown = {label: value for label, value, _ in rows}
    assert shown["24-h urine 5-HIAA"] == "210 µmol/24 h"
    assert shown["24-h urine 5-HIAA upper limit of normal"] == "50 µmol/24 h"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ((timezone.localdate() + timedelta(days=1)).isoformat(), "Date of the CT or MRI: cannot be in the future"),
        ("1959-12-31", "Date of the CT or MRI: cannot be before the date of birth (01/01/1960)."),
    ],
)
def test_a_findings_date_is_neither_in_the_future_nor_before_birth(client, coordinator, stage_iv_case, typed, says):
    client.force_login(coordinator)
    response = client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case, imaging_date=typed))
    assert response.status_code == 422
    assert response.context["form"].errors["imaging_date"][0].startswith(says)


def test_every_step_with_findings_asks_for_their_date_first():
    dated = {step.slug: step.date_field for step in STEPS if step.fields}
    assert dated == {
        "presentation": "assessed_on",
        "biochemistry": "labs_date",
        "imaging": "imaging_date",
        "functional-imaging": "functional_imaging_date",
        "histology": "histology_date",
        "cardiac": "cardiac_date",
        "liver": "liver_assessment_date",
    }


def test_the_record_says_when_each_step_was_known(stage_iv_case):
    Case.objects.filter(pk=stage_iv_case.pk).update(imaging_date=date(2026, 9, 14))
    case = Case.objects.get(pk=stage_iv_case.pk)
    imaging = next(recorded for step, recorded, _ in recorded_findings_by_step(case) if step.slug == "imaging")
    assert ("Date of the CT or MRI", "14 Sep 2026") in imaging


# --- which questions are asked ---------------------------------------------------------------------------


def test_the_pci_is_not_a_gap_without_peritoneal_disease_nor_on_the_record(stage_iv_case):
    imaging = next(step for step in STEPS if step.slug == "imaging")
    assert "pci" not in unknown_fields(stage_iv_case, imaging)
    shown = next(rows for step, rows in findings_by_step(stage_iv_case) if step.slug == "imaging")
    assert "Peritoneal cancer index (0-39)" not in [label for label, _, _ in shown]
    Case.objects.filter(pk=stage_iv_case.pk).update(peritoneal=True)
    with_disease = Case.objects.get(pk=stage_iv_case.pk)
    assert "pci" in unknown_fields(with_disease, imaging)


def test_conditional_questions_carry_their_condition_for_the_page(client, coordinator, stage_iv_case):
    client.force_login(coordinator)
    imaging = client.get(step_url(stage_iv_case, "imaging")).content.decode()
    assert 'id="div_id_pci" data-asked-when="peritoneal:yes"' in imaging
    assert 'data-asked-when="liver_lesions:above_zero liver_bilobar:yes"' in imaging
    assert "Asked only when peritoneal disease is Yes." in imaging  # said in words without JavaScript too
    histology = client.get(step_url(stage_iv_case, "histology")).content.decode()
    assert 'id="div_id_resection_margin" data-asked-when="primary_resected:yes"' in histology
    assert 'id="div_id_ki67_specimen" data-asked-when="ki67_percent:given"' in histology
    biochemistry = client.get(step_url(stage_iv_case, "biochemistry")).content.decode()
    assert 'data-derived-from="urine_5hiaa_value urine_5hiaa_uln"' in biochemistry


def test_a_pci_with_no_peritoneal_disease_is_refused_by_the_engines_rule(client, coordinator, stage_iv_case):
    client.force_login(coordinator)
    response = client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case, pci="12"))
    assert response.status_code == 422
    assert response.context["form"].errors["pci"] == ["Cannot be above 0 when “Peritoneal disease” is false."]


def test_the_liver_step_is_skipped_without_liver_metastases(client, coordinator):
    case = make_case(
        **{**STAGE_IV, "liver_lesions": 0, "liver_max_diameter_cm": None, "liver_resectable_percent": None}
    )
    client.force_login(coordinator)
    response = client.post(step_url(case, "cardiac"), {"version": case.version})
    assert response["Location"] == step_url(case, "summary")
