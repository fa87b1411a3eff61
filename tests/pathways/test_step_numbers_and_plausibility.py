"""Numbers on the pathway's steps as people type them, and unusual values confirmed before they are saved."""

from decimal import Decimal

import pytest

from cases.pathways.models import PlausibilityLimit
from cases.patients.models import Case
from tests.pathways.test_pathway_steps import HX, imaging_post, snapshot, step_url
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage_iv_case():
    return make_case(**STAGE_IV)


@pytest.mark.parametrize("typed", ["2,5", "2.5", " 2,5 "])
def test_a_size_typed_with_a_comma_or_a_point_is_stored_as_that_number(client, clinician, stage_iv_case, typed):
    client.force_login(clinician)
    response = client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case, primary_size_cm=typed))
    assert response.status_code == 303
    assert Case.objects.get(pk=stage_iv_case.pk).primary_size_cm == Decimal("2.5")


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1,234.5", "has 2 separators"),
        ("1.234", "is ambiguous"),
        ("2.5 cm", "has “cm” typed in"),
        ("2 5", "has a space inside"),
        ("2.25", "2.25 has 2 decimals: type at most 1 decimal."),
    ],
)
def test_an_ambiguous_size_is_refused_naming_the_field_and_range_and_kept(
    client, clinician, stage_iv_case, typed, says
):
    client.force_login(clinician)
    before = snapshot(stage_iv_case)
    response = client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case, primary_size_cm=typed))
    assert response.status_code == 422
    (error,) = response.context["form"].errors["primary_size_cm"]
    assert error.startswith("Primary tumour size (cm): ")
    assert says in error
    if "decimals" not in says:
        assert "(allowed: more than 0 up to 30 cm, or empty if unknown)" in error
    assert f'value="{typed}"' in response.content.decode()
    assert snapshot(stage_iv_case) == before


def test_a_resectable_share_of_100_is_shown_as_100_on_the_liver_step(client, clinician, stage_iv_case):
    client.force_login(clinician)
    page = client.get(step_url(stage_iv_case, "liver")).content.decode()
    assert 'name="liver_resectable_percent" value="100"' in page
    assert "1E+2" not in page


# --- plausibility limits ----------------------------------------------------------------------------------


def test_the_limits_named_by_the_issue_are_content_from_the_migration():
    limits = {limit.field: limit.warn_above for limit in PlausibilityLimit.objects.all()}
    assert limits == {"primary_size_cm": Decimal("10"), "mesenteric_mass_cm": Decimal("15")}
    assert "less than 2 cm in diameter" in PlausibilityLimit.objects.get(field="primary_size_cm").reason


def test_a_primary_over_10_cm_is_not_saved_until_it_is_confirmed(client, clinician, stage_iv_case):
    client.force_login(clinician)
    before = snapshot(stage_iv_case)
    data = imaging_post(stage_iv_case, primary_size_cm="12")
    response = client.post(step_url(stage_iv_case, "imaging"), data, headers=HX)
    assert response.status_code == 200  # htmx swaps the form with the warning
    page = response.content.decode()
    assert "Primary tumour size (cm): 12 cm is above 10." in page
    assert 'name="confirm" value="primary_size_cm=12"' in page
    assert snapshot(stage_iv_case) == before

    response = client.post(step_url(stage_iv_case, "imaging"), {**data, "confirm": "primary_size_cm=12"})
    assert response.status_code == 303
    saved = Case.objects.get(pk=stage_iv_case.pk)
    assert saved.primary_size_cm == Decimal("12")
    assert saved.history.first().history_change_reason == "Confirmed unusual: primary_size_cm=12"


def test_a_confirmation_covers_only_the_value_it_names(client, clinician, stage_iv_case):
    client.force_login(clinician)
    before = snapshot(stage_iv_case)
    data = imaging_post(stage_iv_case, primary_size_cm="14", confirm="primary_size_cm=12")
    response = client.post(step_url(stage_iv_case, "imaging"), data)
    assert response.status_code == 422
    assert 'value="primary_size_cm=14"' in response.content.decode()
    assert snapshot(stage_iv_case) == before


def test_a_value_saved_before_is_not_asked_about_again(client, clinician):
    case = make_case(**{**STAGE_IV, "primary_size_cm": "12"})
    client.force_login(clinician)
    response = client.post(step_url(case, "imaging"), imaging_post(case, primary_size_cm="12"))
    assert response.status_code == 303


def test_a_mesenteric_mass_over_15_cm_needs_confirmation(client, clinician, stage_iv_case):
    client.force_login(clinician)
    response = client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case, mesenteric_mass_cm="16"))
    assert response.status_code == 422
    assert "Mesenteric nodal mass (cm): 16 cm is above 15." in response.context["form"].errors["mesenteric_mass_cm"][0]


def test_an_editor_changes_a_limit_and_the_forms_follow(client, clinician, stage_iv_case):
    PlausibilityLimit.objects.filter(field="primary_size_cm").update(warn_above=Decimal("2"))
    client.force_login(clinician)
    response = client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case, primary_size_cm="2.4"))
    assert response.status_code == 422
    PlausibilityLimit.objects.filter(field="primary_size_cm").delete()
    response = client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case, primary_size_cm="24"))
    assert response.status_code == 303


def histology_post(case, **changes):
    data = {
        "version": case.version,
        "histology_available": "true",
        "differentiation": "well",
        "ki67_percent": "5",
        "ki67_specimen": "resection",
        "primary_invasion": "subserosa",
        "primary_resected": "true",
        "resection_margin": "R0",
        "small_cell": "false",
    }
    data.update(changes)
    return data


def test_more_positive_nodes_than_nodes_examined_needs_confirmation(client, clinician, stage_iv_case):
    client.force_login(clinician)
    before = snapshot(stage_iv_case)
    data = histology_post(stage_iv_case, positive_nodes="12", nodes_examined="8")
    response = client.post(step_url(stage_iv_case, "histology"), data)
    assert response.status_code == 422
    (error,) = response.context["form"].errors["positive_nodes"]
    assert error.startswith("Positive lymph nodes: 12 is more than the 8 lymph nodes examined. Check both counts.")
    assert snapshot(stage_iv_case) == before
    confirmed = {**data, "confirm": "positive_nodes=12>nodes_examined=8"}
    assert client.post(step_url(stage_iv_case, "histology"), confirmed).status_code == 303
    saved = Case.objects.get(pk=stage_iv_case.pk)
    assert (saved.positive_nodes, saved.nodes_examined) == (12, 8)


def test_the_what_if_preview_needs_no_confirmation(client, clinician, stage_iv_case):
    client.force_login(clinician)
    url = step_url(stage_iv_case, "imaging").replace("/imaging/", "/imaging/preview/")
    response = client.post(url, imaging_post(stage_iv_case, primary_size_cm="12"), headers=HX)
    assert response.status_code == 200
    assert response.context["preview"] is True
    assert response.context["preview_invalid"] is False
