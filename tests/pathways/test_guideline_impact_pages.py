"""The impact preview's pages: what a content editor sees (counts, never a patient), what clinicians and chairs
see (the cases that change, with links), the activation page, the dashboard, progress and staleness."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.audit.models import AccessAction, AccessLog
from cases.jobs.models import Job
from cases.pathways import impact_views
from cases.pathways.guideline_versions import save_draft, start_impact_preview
from cases.pathways.impact import Tally
from cases.pathways.models import GuidelineImpact, GuidelineStatus, GuidelineVersion
from cases.pathways.tasks import compute_guideline_impact
from tests.meetings.factories import add_item, make_meeting, signed
from tests.pathways.impact_cases import (
    BILOBAR_80,
    hand_counted_cases,
    identifiers,
    make_draft,
    patient_named,
    seed_version,
)
from tests.patients.factories import make_case

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def impact_url(version) -> str:
    return reverse("pathways:impact", kwargs={"pk": version.pk})


def cases_url(version) -> str:
    return reverse("pathways:impact_cases", kwargs={"pk": version.pk})


def json_url(version) -> str:
    return reverse("pathways:impact_json", kwargs={"pk": version.pk})


def activation_page(client, version):
    changelist = reverse("admin:pathways_guidelineversion_changelist")
    return client.post(changelist, {"action": "activate", "_selected_action": [version.pk], "index": 0})


@pytest.fixture
def world(content_editor, clinician, chair):
    """The hand-counted cases, one more with a distinctive patient and a signed decision, and the draft."""
    cases = hand_counted_cases()
    meeting = make_meeting(chair)
    item = add_item(meeting, case=make_case(patient_named("Quetzalcoatl", "Ottoline"), **BILOBAR_80))
    signed(item, clinician, chair)
    cases["signed"] = item.case
    return {"cases": cases, "draft": make_draft(content_editor)}


def test_an_editor_computes_the_preview_and_sees_the_matrix(client, content_editor, world):
    client.force_login(content_editor)
    draft = world["draft"]
    first = client.get(impact_url(draft)).content.decode()
    assert "This draft has not been previewed yet." in first and "Compute the preview" in first

    response = client.post(impact_url(draft))

    assert response.status_code == 303 and response["Location"] == impact_url(draft)
    assert GuidelineImpact.objects.get().version == draft
    page = client.get(impact_url(draft)).content.decode()
    assert 'data-state="current"' in page and 'data-testid="matrix-liver_debulking"' in page
    assert "<strong>3 of 8 open cases</strong> would be assessed differently" in page
    assert "List the cases that change" not in page  # counts only for a content editor


def test_the_editor_sees_no_patient_identifier_anywhere_in_the_preview(client, content_editor, world):
    """Pages and JSON a content editor opens around a draft: none names a case or its patient."""
    client.force_login(content_editor)
    draft = world["draft"]
    client.post(impact_url(draft))
    job = Job.objects.get()
    pages = {
        "impact page": client.get(impact_url(draft)),
        "impact JSON": client.get(json_url(draft)),
        "dashboard": client.get(reverse("dashboard")),
        "job page": client.get(job.get_absolute_url()),
        "admin change page": client.get(reverse("admin:pathways_guidelineversion_change", args=[draft.pk])),
        "admin history": client.get(reverse("admin:pathways_guidelineversion_history", args=[draft.pk])),
        "activation page": activation_page(client, draft),
    }
    secrets = identifiers(world["cases"].values())
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = response.content.decode()
        leaked = [secret for secret in secrets if secret in text]
        assert leaked == [], f"{name} shows {leaked}"
    assert "3 of 8" in pages["activation page"].content.decode()  # the figures are there, only not the people
    stored = json.dumps(GuidelineImpact.objects.get().result)
    assert [secret for secret in secrets if secret in stored] == []
    # Compared as data: PostgreSQL's jsonb keeps keys in an order of its own.
    assert json.loads(bytes(Job.objects.get().result)) == GuidelineImpact.objects.get().result


def test_the_json_gives_the_thresholds_compared_and_the_counts(client, content_editor, world):
    client.force_login(content_editor)
    draft = world["draft"]
    assert client.get(json_url(draft)).json()["state"] == "none"
    client.post(impact_url(draft))

    data = client.get(json_url(draft)).json()

    assert data["state"] == "current"
    assert data["version"] == {"id": draft.pk, "name": "local-2027-01", "status": "draft"}
    assert data["draft"]["thresholds"]["debulking_min_percent"] == 95
    assert data["baseline"] == {"name": "seed-2018-default", "thresholds": seed_version().thresholds()}
    assert data["result"]["cases"] == {"open": 8, "assessed": 7, "not_assessable": 1, "changed": 3}
    assert data["result"]["signed_decisions"]["newly_departing"] == 1


def test_a_clinician_lists_the_cases_that_change_with_links_to_them(client, clinician, content_editor, world):
    start_impact_preview(world["draft"], content_editor, compute_guideline_impact)
    client.force_login(clinician)
    assert "List the cases that change" in client.get(impact_url(world["draft"])).content.decode()

    response = client.get(cases_url(world["draft"]))

    page = response.content.decode()
    assert response.status_code == 200 and "3 cases" in page
    for name in ("bilobar_80", "bilobar_80_heart_unknown", "signed"):
        case = world["cases"][name]
        assert case.get_absolute_url() in page and case.patient.hospital_number in page
    assert "QUETZALCOATL, Ottoline" in page
    assert "Debulking liver surgery: Consider → Not recommended" in page
    assert "Its signed decision would depart from the guideline" in page
    assert world["cases"]["bilobar_96"].get_absolute_url() not in page
    assert AccessLog.objects.filter(user=clinician, action=AccessAction.VIEW, object_type="patients.case").exists()


def test_the_list_of_cases_is_paged_by_position_with_a_fixed_number_of_queries(
    client, chair, content_editor, world, monkeypatch
):
    monkeypatch.setattr(impact_views, "CASES_PER_PAGE", 2)
    start_impact_preview(world["draft"], content_editor, compute_guideline_impact)
    client.force_login(chair)

    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(cases_url(world["draft"]))
    links = first.context["rows"]
    assert len(links) == 2 and first.context["next_after"] is not None
    second = client.get(cases_url(world["draft"]), {"after": first.context["next_after"]})
    assert len(second.context["rows"]) == 1 and second.context["next_after"] is None
    shown = {case.pk for case, _ in first.context["rows"] + second.context["rows"]}
    assert len(shown) == 3

    make_case(**BILOBAR_80)  # more cases, the same number of queries for a page
    start_impact_preview(world["draft"], content_editor, compute_guideline_impact)
    with CaptureQueriesContext(connection) as again:
        client.get(cases_url(world["draft"]))
    assert len(again) == len(first_queries)


def test_a_position_that_is_not_a_number_is_said_and_the_first_page_shown(client, chair, content_editor, world):
    start_impact_preview(world["draft"], content_editor, compute_guideline_impact)
    client.force_login(chair)
    response = client.get(cases_url(world["draft"]), {"after": "ten"})
    page = response.content.decode()
    assert response.status_code == 200 and "“after”: Enter a whole number." in page
    assert len(response.context["rows"]) == 3


def test_an_editor_may_not_list_the_cases(client, content_editor, world):
    start_impact_preview(world["draft"], content_editor, compute_guideline_impact)
    client.force_login(content_editor)
    assert client.get(cases_url(world["draft"])).status_code == 403


@pytest.mark.parametrize("role", ["coordinator", "viewer", "no_role_user"])
def test_roles_that_weigh_no_draft_are_refused_and_start_nothing(client, request, world, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(impact_url(world["draft"])).status_code == 403
    assert client.post(impact_url(world["draft"])).status_code == 403
    assert client.get(json_url(world["draft"])).status_code == 403
    assert not GuidelineImpact.objects.exists() and not Job.objects.exists()


def test_a_version_in_force_is_not_computed_again_and_the_page_says_why(client, content_editor, world):
    client.force_login(content_editor)
    response = client.post(impact_url(seed_version()))
    assert response.status_code == 409
    assert "only a draft is previewed" in response.content.decode()
    assert not GuidelineImpact.objects.exists()


def test_while_it_is_computed_the_page_polls_its_progress_then_reloads(client, content_editor, world, settings):
    settings.TASKS = DATABASE_QUEUE  # queued for a worker that is not running here
    client.force_login(content_editor)
    draft = world["draft"]
    client.post(impact_url(draft))
    preview = GuidelineImpact.objects.get()
    Job.objects.filter(pk=preview.job_id).update(status="running", progress_done=3, progress_total=8)

    page = client.get(impact_url(draft)).content.decode()
    assert 'data-state="running"' in page and 'http-equiv="refresh"' in page
    poll = client.get(impact_url(draft), headers={"HX-Request": "true"})
    assert poll.status_code == 200 and "Assessing: 3 of 8 open cases" in poll.content.decode()
    assert "<html" not in poll.content.decode()

    GuidelineImpact.objects.filter(pk=preview.pk).update(result=Tally().to_json(), finished_at=preview.created_at)
    done = client.get(impact_url(draft), headers={"HX-Request": "true"})
    assert done.status_code == 200 and done["HX-Refresh"] == "true"


def test_a_changed_draft_shows_its_preview_as_out_of_date_and_offers_to_compute_it_again(client, content_editor, world):
    client.force_login(content_editor)
    draft = world["draft"]
    client.post(impact_url(draft))
    draft.refresh_from_db()
    draft.debulking_min_percent = 90
    save_draft(draft, content_editor)

    page = client.get(impact_url(draft)).content.decode()
    assert 'data-testid="impact-stale"' in page and "The thresholds of local-2027-01 have changed since." in page
    assert "Compute the preview again" in page

    confirm = activation_page(client, draft).content.decode()
    assert 'data-testid="activation-impact-stale"' in confirm
    assert f'action="{impact_url(draft)}"' in confirm and "Compute the preview again" in confirm


def test_the_activation_page_shows_the_current_preview(client, content_editor, world):
    client.force_login(content_editor)
    draft = world["draft"]
    assert "This draft has not been previewed" in activation_page(client, draft).content.decode()
    client.post(impact_url(draft))

    confirm = activation_page(client, draft).content.decode()

    assert 'data-state="current"' in confirm and 'data-testid="matrix-liver_debulking"' in confirm
    assert "Yes, activate local-2027-01" in confirm
    assert GuidelineVersion.objects.get(pk=draft.pk).status == GuidelineStatus.DRAFT


def test_after_activation_the_versions_page_shows_the_preview_it_was_activated_with(client, content_editor, world):
    client.force_login(content_editor)
    draft = world["draft"]
    client.post(impact_url(draft))
    changelist = reverse("admin:pathways_guidelineversion_changelist")
    client.post(changelist, {"action": "activate", "_selected_action": [draft.pk], "confirm": "yes"})

    change_page = client.get(reverse("admin:pathways_guidelineversion_change", args=[draft.pk])).content.decode()
    assert "3 of 8 open cases changed against seed-2018-default" in change_page
    history = client.get(reverse("admin:pathways_guidelineversion_history", args=[draft.pk])).content.decode()
    assert "Activated; impact preview of" in history and "3 of 8 open cases change" in history
    page = client.get(impact_url(draft)).content.decode()
    assert "Compute the preview" not in page and 'data-testid="matrix-liver_debulking"' in page


def test_the_editors_dashboard_shows_each_draft_its_changes_impact_and_last_change(client, content_editor, world):
    client.force_login(content_editor)
    draft = world["draft"]
    client.post(impact_url(draft))

    page = client.get(reverse("dashboard")).content.decode()

    assert 'data-testid="guideline-drafts"' in page and "local-2027-01" in page
    assert "<td>Debulking: share of liver tumour burden resected, at least (%)</td><td>70</td><td>95</td>" in page
    assert "3 of 8 open cases would be assessed differently; 1 signed decision would newly depart" in page
    assert "Last changed" in page and "Debulking: share of liver tumour burden resected, at least (%) 70 → 95" in page
    assert "(Cloned from" not in page  # the clone's reason is not given to the change that followed it


def test_a_chairs_dashboard_leads_to_the_cases_a_previewed_draft_would_change(client, chair, content_editor, world):
    start_impact_preview(world["draft"], content_editor, compute_guideline_impact)
    client.force_login(chair)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="previewed-drafts"' in page and cases_url(world["draft"]) in page
