"""Walking a case through the pathway: saving steps, the live panel, bad input and conflicts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.patients.models import Case
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}


def step_url(case, slug):
    return reverse("pathways:step", kwargs={"public_id": case.public_id, "slug": slug})


def preview_url(case, slug):
    return reverse("pathways:preview", kwargs={"public_id": case.public_id, "slug": slug})


def imaging_post(case, **changes):
    """The imaging step's form data as a browser would send it, for the STAGE_IV case."""
    data = {
        "version": case.version,
        "ct_or_mri_done": "true",
        "primary_site": "terminal_ileum",
        "primary_size_cm": "2.2",
        "multifocal": "false",
        "mesenteric_mass_cm": "2.5",
        "encases_mesenteric_vessels": "unknown",
        "mesenteric_stage": "",
        "liver_lesions": "2",
        "liver_max_diameter_cm": "3",
        "liver_bilobar": "false",
        "liver_dominant_lesion": "unknown",
        "liver_involvement_percent": "",
        "peritoneal": "false",
        "pci": "",
        "extra_abdominal": "false",
        "perihilar_nodes_only": "false",
        "extrahepatic_progressive": "unknown",
    }
    data.update(changes)
    return data


def snapshot(case):
    return Case.objects.values().get(pk=case.pk)


@pytest.fixture
def stage_iv_case():
    return make_case(**STAGE_IV)


def test_a_step_shows_the_saved_values_the_rail_and_the_assessment(client, clinician, stage_iv_case):
    client.force_login(clinician)
    response = client.get(step_url(stage_iv_case, "imaging"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="2.2"' in page
    assert "Step 3 · Cross-sectional imaging" in page
    assert 'data-testid="tnm">T3 N2 M1 (M1a)</dd>' in page
    assert 'data-testid="stage">IV</dd>' in page
    assert 'data-code="liver_resection" data-verdict="recommended"' in page


def test_numbers_are_typed_as_text_with_a_numeric_keyboard_never_as_type_number(client, clinician, stage_iv_case):
    client.force_login(clinician)
    page = client.get(step_url(stage_iv_case, "imaging")).content.decode()
    assert 'type="number"' not in page
    assert '<input type="text" name="primary_size_cm" value="2.2" inputmode="decimal"' in page
    assert '<input type="text" name="liver_lesions" value="2" inputmode="numeric"' in page


def test_saving_a_step_without_javascript_redirects_to_the_next_step(client, clinician, stage_iv_case):
    client.force_login(clinician)
    response = client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case, liver_lesions="3"))
    assert response.status_code == 303
    assert response["Location"] == step_url(stage_iv_case, "functional-imaging")
    case = Case.objects.get(pk=stage_iv_case.pk)
    assert case.liver_lesions == 3
    assert case.version == stage_iv_case.version + 1
    assert case.step_versions["imaging"]["version"] == case.version
    assert case.step_versions["imaging"]["by"] == "Clinician Tester"


def test_saving_a_step_with_htmx_swaps_in_the_next_step_and_updates_the_panel(client, clinician, stage_iv_case):
    client.force_login(clinician)
    response = client.post(
        step_url(stage_iv_case, "imaging"),
        imaging_post(stage_iv_case, liver_bilobar="true", liver_dominant_lesion="false"),
        headers=HX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Push-Url"] == step_url(stage_iv_case, "functional-imaging")
    assert page.lstrip().startswith('<section id="step-form"')
    assert "Step 4 · Functional imaging" in page
    assert '<div id="assessment-panel" hx-swap-oob="innerHTML">' in page
    assert '<ol id="step-rail" hx-swap-oob="innerHTML">' in page
    # Two lesions in both lobes without a dominant one: pattern III, no curative resection (ref 54, 16).
    assert 'data-testid="liver-pattern">Type III</dd>' in page
    assert 'data-code="liver_resection" data-verdict="not_recommended"' in page


def test_the_liver_step_is_skipped_when_there_are_no_liver_metastases(client, clinician):
    case = make_case(liver_lesions=0)
    client.force_login(clinician)
    response = client.post(step_url(case, "cardiac"), {"version": case.version, "echo_done": "true"})
    assert response["Location"] == step_url(case, "summary")
    page = client.get(step_url(case, "summary")).content.decode()
    assert '<li class="rail-not_applicable">' in page


def test_the_liver_step_follows_the_cardiac_step_when_there_are_liver_metastases(client, clinician, stage_iv_case):
    client.force_login(clinician)
    response = client.post(step_url(stage_iv_case, "cardiac"), {"version": stage_iv_case.version})
    assert response["Location"] == step_url(stage_iv_case, "liver")


SIZE = "Primary tumour size (cm)"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        (
            "liver_lesions",
            "many",
            "Number of liver metastases: “many” is not a number (allowed: 0 to 1000, or empty if unknown).",
        ),
        ("primary_size_cm", "-2", f"{SIZE}: enter a value from more than 0 up to 30 (you entered -2)."),
        ("primary_size_cm", "80", f"{SIZE}: enter a value from more than 0 up to 30 (you entered 80)."),
        ("pci", "45", "Peritoneal cancer index (0-39): enter a value from 0 to 39 (you entered 45)."),
        ("primary_site", "colon", "Select a valid choice. colon is not one of the available choices."),
        ("liver_bilobar", "true", None),  # with 0 lesions: a contradiction, checked below
    ],
)
def test_bad_input_is_named_next_to_the_field_kept_and_nothing_is_saved(
    client, clinician, stage_iv_case, field, typed, message
):
    client.force_login(clinician)
    before = snapshot(stage_iv_case)
    changes = {field: typed}
    if field == "liver_bilobar":
        changes.update(liver_lesions="0", liver_max_diameter_cm="")
        message = "Cannot be true when “Number of liver metastases” is 0."
    response = client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case, **changes))
    assert response.status_code == 422
    form = response.context["form"]
    assert message in form.errors[field]
    if field not in {"liver_bilobar", "primary_site"}:
        assert f'value="{typed}"' in response.content.decode()
    assert snapshot(stage_iv_case) == before


def test_ki67_of_150_is_refused_on_the_histology_step(client, clinician, stage_iv_case):
    client.force_login(clinician)
    before = snapshot(stage_iv_case)
    response = client.post(
        step_url(stage_iv_case, "histology"), {"version": stage_iv_case.version, "ki67_percent": "150"}, headers=HX
    )
    assert response.status_code == 200  # htmx only swaps 2xx
    assert response.content.decode().lstrip().startswith('<section id="step-form"')  # the form, not the page
    assert "Ki-67 index (%): enter a value from 0 to 100 (you entered 150)." in response.content.decode()
    assert 'value="150"' in response.content.decode()
    assert snapshot(stage_iv_case) == before


def test_a_margin_for_an_unresected_primary_is_refused(client, clinician, stage_iv_case):
    client.force_login(clinician)
    response = client.post(
        step_url(stage_iv_case, "histology"),
        {"version": stage_iv_case.version, "primary_resected": "false", "resection_margin": "R0"},
    )
    assert response.status_code == 422
    assert (
        "Only meaningful when “Primary already resected” is true."
        in response.context["form"].errors["resection_margin"]
    )


def test_the_second_of_two_people_saving_the_same_step_sees_a_conflict_and_overwrites_nothing(
    client, clinician, chair, stage_iv_case
):
    loaded_version = stage_iv_case.version
    client.force_login(chair)
    client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case, liver_lesions="4"))
    saved = snapshot(stage_iv_case)

    client.force_login(clinician)
    data = imaging_post(stage_iv_case, liver_lesions="7")
    data["version"] = loaded_version
    response = client.post(step_url(stage_iv_case, "imaging"), data)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Chair Tester saved this step while you were editing it" in page
    assert '<th scope="row">Number of liver metastases</th><td>7</td><td>4</td>' in page
    assert 'value="7"' in page  # what the clinician typed is kept
    assert snapshot(stage_iv_case) == saved

    # Saving again (the form now carries the version just shown) is a deliberate overwrite.
    data["version"] = response.context["form"].data["version"]
    assert client.post(step_url(stage_iv_case, "imaging"), data).status_code == 303
    assert Case.objects.get(pk=stage_iv_case.pk).liver_lesions == 7


def test_saving_different_steps_at_the_same_time_is_not_a_conflict(client, clinician, chair, stage_iv_case):
    loaded_version = stage_iv_case.version
    client.force_login(chair)
    client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case))
    client.force_login(clinician)
    response = client.post(step_url(stage_iv_case, "cardiac"), {"version": loaded_version, "echo_done": "true"})
    assert response.status_code == 303
    assert Case.objects.get(pk=stage_iv_case.pk).echo_done is True


def test_a_what_if_preview_changes_the_panel_but_saves_nothing(client, viewer, stage_iv_case):
    client.force_login(viewer)
    before = snapshot(stage_iv_case)
    response = client.post(
        preview_url(stage_iv_case, "imaging"),
        imaging_post(stage_iv_case, liver_bilobar="true", liver_dominant_lesion="false"),
        headers=HX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="preview-banner"' in page
    assert 'data-testid="liver-pattern">Type III</dd>' in page
    assert snapshot(stage_iv_case) == before


def test_a_viewer_can_read_a_step_but_not_save_it(client, viewer, stage_iv_case):
    client.force_login(viewer)
    page = client.get(step_url(stage_iv_case, "imaging")).content.decode()
    assert "Your role can read but not change findings." in page
    assert "Save and continue" not in page
    before = snapshot(stage_iv_case)
    response = client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case, liver_lesions="9"))
    assert response.status_code == 403
    assert snapshot(stage_iv_case) == before


@pytest.mark.parametrize("user_fixture", ["content_editor", "no_role_user"])
def test_users_without_patient_access_get_403_and_change_nothing(client, request, user_fixture, stage_iv_case):
    client.force_login(request.getfixturevalue(user_fixture))
    before = snapshot(stage_iv_case)
    assert client.get(step_url(stage_iv_case, "imaging")).status_code == 403
    assert client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case)).status_code == 403
    assert client.post(preview_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case)).status_code == 403
    assert snapshot(stage_iv_case) == before


def test_an_unknown_step_or_case_is_404(client, clinician, stage_iv_case):
    client.force_login(clinician)
    assert client.get(step_url(stage_iv_case, "astrology")).status_code == 404
    missing = reverse("pathways:step", kwargs={"public_id": "00000000-0000-0000-0000-000000000000", "slug": "imaging"})
    assert client.get(missing).status_code == 404
    assert client.get("/cases/not-a-uuid/pathway/imaging/").status_code == 404


def test_the_pathway_opens_at_the_first_step_with_gaps(client, clinician):
    case = make_case()
    client.force_login(clinician)
    response = client.get(reverse("pathways:start", kwargs={"public_id": case.public_id}))
    assert response["Location"] == step_url(case, "presentation")


def test_unknown_stays_distinct_from_no(client, clinician, stage_iv_case):
    client.force_login(clinician)
    client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case, multifocal="unknown"))
    client.post(step_url(stage_iv_case, "cardiac"), {"version": stage_iv_case.version + 1, "echo_done": "false"})
    case = Case.objects.get(pk=stage_iv_case.pk)
    assert case.multifocal is None
    assert case.echo_done is False


def test_the_step_page_makes_a_constant_number_of_queries(client, clinician):
    client.force_login(clinician)
    counts = []
    for lesions in (0, 2):
        case = make_case(
            **{**STAGE_IV, "liver_lesions": lesions, "liver_max_diameter_cm": Decimal("3") if lesions else None}
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(step_url(case, "imaging")).status_code == 200
        # Not counted: the savepoint around the access log's insert, which it takes on PostgreSQL inside a
        # transaction only, as every request of a test is (a request of the app runs in autocommit).
        counts.append(len([q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]))
    assert counts[0] == counts[1]
    # Including the access log's entry for the read and its chain link, and the day of the board (the age shown
    # and used by the engine, issue 17).
    assert counts[0] <= 9


def test_a_step_post_makes_a_bounded_number_of_queries(client, clinician, stage_iv_case):
    client.force_login(clinician)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(step_url(stage_iv_case, "imaging"), imaging_post(stage_iv_case), headers=HX)
    assert response.status_code == 200
    # Including the case's history record (django-simple-history, issue 8), the plausibility limits of the
    # step and the day of the board (issue 17).
    assert len(queries) <= 13, [q["sql"] for q in queries]
