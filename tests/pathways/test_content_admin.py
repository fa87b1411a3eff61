"""The content admin: only content editors (and superusers) change content; versions are cloned and activated."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.access import Role
from cases.pathways.guideline_versions import clone_version
from cases.pathways.models import (
    GuidelineStatus,
    GuidelineVersion,
    PlausibilityLimit,
    RecommendationText,
    Reference,
    StepHelp,
)
from cases.reports.models import LetterSettings
from tests.security.otp import pass_second_factor

pytestmark = pytest.mark.django_db

CONTENT_MODELS = (GuidelineVersion, RecommendationText, Reference, StepHelp, PlausibilityLimit)


def changelist(model) -> str:
    return reverse(f"admin:pathways_{model._meta.model_name}_changelist")


def change(obj) -> str:
    return reverse(f"admin:pathways_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def seed():
    return GuidelineVersion.objects.get(status=GuidelineStatus.ACTIVE)


@pytest.fixture
def superuser(django_user_model, client):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    pass_second_factor(client, user)  # superusers must pass the second factor first (tests/security)
    return user


@pytest.fixture
def staff_without_group(make_user):
    return make_user("staffer", None, is_staff=True)


@pytest.fixture
def editor_client(client, content_editor):
    client.force_login(content_editor)
    return client


def version_post(version: GuidelineVersion, **changes) -> dict:
    """The change form's data for VERSION as a browser would send it."""
    data = {
        "name": version.name,
        "effective_date": version.effective_date.isoformat(),
        "notes": version.notes,
        "quorum_specialties": list(version.quorum_specialties),
        **{name: str(value) for name, value in version.thresholds().items()},
    }
    data.update(changes)
    return data


# --- who may do what ------------------------------------------------------------------------------------------


def test_the_content_editor_group_holds_add_change_and_view_of_content_only():
    codenames = set(Group.objects.get(name=Role.CONTENT_EDITOR).permissions.values_list("codename", flat=True))
    # The letters' letterhead and signatory (reports) are content too.
    assert codenames == {
        f"{action}_{m._meta.model_name}"
        for m in (*CONTENT_MODELS, LetterSettings)
        for action in ("add", "change", "view")
    }


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.CHAIR, Role.COORDINATOR, Role.VIEWER])
def test_the_clinical_roles_have_no_admin_permissions(role):
    assert not Group.objects.get_or_create(name=role)[0].permissions.exists()


def test_patients_and_cases_are_not_in_the_admin():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert "patients" not in registered


@pytest.mark.parametrize("user_fixture", ["clinician", "chair", "coordinator", "viewer", "no_role_user"])
def test_board_members_are_sent_to_the_admin_login_and_change_nothing(client, request, user_fixture, seed):
    client.force_login(request.getfixturevalue(user_fixture))
    for url in (reverse("admin:index"), changelist(GuidelineVersion), change(RecommendationText.objects.first())):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    text = RecommendationText.objects.get(code="rfa")
    response = client.post(change(text), {"title": "Hacked", "summary": "", "caveats": ""})
    assert response.status_code == 302
    assert RecommendationText.objects.get(code="rfa").title == text.title


def test_staff_without_the_content_editor_role_cannot_see_or_change_content(client, staff_without_group):
    client.force_login(staff_without_group)
    text = RecommendationText.objects.get(code="rfa")
    for model in CONTENT_MODELS:
        assert client.get(changelist(model)).status_code == 403
    assert client.post(change(text), {"title": "Hacked", "summary": "", "caveats": ""}).status_code == 403
    assert RecommendationText.objects.get(code="rfa").title == text.title


def test_the_admin_index_shows_an_editor_the_content_and_nothing_else(editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()
    for model in CONTENT_MODELS:
        assert changelist(model) in page
    assert "/admin/auth/" not in page


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_an_editor_can_list_search_and_open_every_content_model(editor_client, model):
    assert editor_client.get(changelist(model)).status_code == 200
    assert editor_client.get(changelist(model), {"q": "liver"}).status_code == 200
    obj = model.objects.first()
    assert editor_client.get(change(obj)).status_code == 200
    assert (
        editor_client.get(reverse(f"admin:pathways_{model._meta.model_name}_history", args=[obj.pk])).status_code == 200
    )


def test_the_filters_narrow_the_lists(editor_client):
    page = editor_client.get(changelist(RecommendationText), {"topic": "Ablation"}).content.decode()
    assert "Radiofrequency ablation (RFA)" in page and "Liver transplantation" not in page
    page = editor_client.get(changelist(Reference), {"section": "Liver transplantation"}).content.decode()
    assert ">78<" in page and ">17<" not in page


def test_a_superuser_can_change_content(client, superuser):
    client.force_login(superuser)
    text = RecommendationText.objects.get(code="rfa")
    response = client.post(change(text), {"title": "RFA", "summary": "s", "caveats": "c"})
    assert response.status_code == 302
    assert RecommendationText.objects.get(code="rfa").title == "RFA"


# --- recommendation texts, references, step help -------------------------------------------------------------


def test_an_editor_changes_a_text_and_the_history_and_admin_log_say_who(editor_client, content_editor):
    text = RecommendationText.objects.get(code="rfa")
    response = editor_client.post(change(text), {"title": "RFA of liver metastases", "summary": "New.", "caveats": ""})
    assert response.status_code == 302
    text.refresh_from_db()
    assert (text.title, text.summary, text.caveats) == ("RFA of liver metastases", "New.", "")
    record = text.history.first()
    assert (record.history_type, record.history_user) == ("~", content_editor)
    assert LogEntry.objects.filter(user=content_editor, object_id=str(text.pk)).exists()
    history = editor_client.get(reverse("admin:pathways_recommendationtext_history", args=[text.pk])).content.decode()
    assert "Radiofrequency ablation (RFA)\n" in history and "&rarr;&nbsp;&nbsp;RFA of liver metastases" in history
    assert ">editor</a>" in history and "Loaded from the seed (data migration)" in history


def test_the_code_of_a_text_cannot_be_changed(editor_client):
    text = RecommendationText.objects.get(code="rfa")
    editor_client.post(change(text), {"code": "mwa", "title": "T", "summary": "", "caveats": ""})
    assert RecommendationText.objects.filter(pk=text.pk, code="rfa").exists()


def test_the_preview_shows_the_text_as_the_team_sees_it_escaped(editor_client):
    text = RecommendationText.objects.get(code="rfa")
    text.summary = "<script>alert(1)</script> first line\nsecond line"
    text.save()
    page = editor_client.get(change(text)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; first line<br>second line" in page
    assert "<script>alert(1)" not in page
    assert 'class="recommendations option-preview"' in page and "verdict-consider" in page


def test_texts_and_step_help_cannot_be_deleted_even_by_a_superuser(client, superuser):
    client.force_login(superuser)
    for obj in (RecommendationText.objects.first(), StepHelp.objects.first()):
        url = reverse(f"admin:pathways_{obj._meta.model_name}_delete", args=[obj.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()


def test_an_editor_cannot_delete_a_reference(editor_client):
    reference = Reference.objects.get(number=61)
    url = reverse("admin:pathways_reference_delete", args=[reference.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert Reference.objects.filter(pk=reference.pk).exists()


def test_an_editor_completes_a_references_citation(editor_client):
    reference = Reference.objects.get(number=61)
    data = {"number": 61, "citation": "Author A, et al. Journal. 2010;1:1-2.", "cited_for": "RFA", "seed_sections": "x"}
    assert editor_client.post(change(reference), data).status_code == 302
    assert Reference.objects.get(number=61).citation == "Author A, et al. Journal. 2010;1:1-2."


def test_an_editor_changes_a_steps_help(editor_client):
    help_ = StepHelp.objects.get(step="imaging")
    assert editor_client.post(change(help_), {"text": "CT or MRI with contrast."}).status_code == 302
    assert StepHelp.objects.get(step="imaging").text == "CT or MRI with contrast."


# --- guideline versions -------------------------------------------------------------------------------------


def test_the_active_version_opens_read_only_and_refuses_a_post(editor_client, seed):
    page = editor_client.get(change(seed)).content.decode()
    assert 'name="pci_max"' not in page
    assert "Active and retired versions are read-only" in page
    response = editor_client.post(change(seed), version_post(seed, pci_max="30"))
    assert response.status_code == 403
    seed.refresh_from_db()
    assert seed.pci_max == 20


def test_the_active_version_cannot_be_reverted_from_its_history(editor_client, seed):
    record = seed.history.first()
    url = reverse("admin:pathways_guidelineversion_simple_history", args=[seed.pk, record.history_id])
    assert editor_client.post(url, version_post(seed, pci_max="30")).status_code == 403
    seed.refresh_from_db()
    assert seed.pci_max == 20


def test_versions_cannot_be_added_from_scratch_or_deleted(client, superuser, seed):
    client.force_login(superuser)
    assert client.get(reverse("admin:pathways_guidelineversion_add")).status_code == 403
    delete = reverse("admin:pathways_guidelineversion_delete", args=[seed.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        changelist(GuidelineVersion), {"action": "delete_selected", "_selected_action": [seed.pk], "index": 0}
    )
    assert GuidelineVersion.objects.filter(pk=seed.pk).exists()
    assert response.status_code in {200, 302}


def test_the_version_form_groups_thresholds_by_topic_with_units_and_sources(editor_client, content_editor, seed):
    draft = clone_version(seed, content_editor)
    page = editor_client.get(change(draft)).content.decode()
    for topic in ("Staging", "Grading", "Primary surgery", "Liver surgery", "Ablation", "Liver transplantation",
                  "Peritoneal carcinomatosis", "Perioperative somatostatin analogue", "Meetings"):  # fmt: skip
        assert topic in page
    assert "Ablation: fewer liver lesions than (lesions)" in page
    assert "Locoregional Treatment (ref 61)" in page
    assert 'type="checkbox" name="quorum_specialties" value="surgery"' in page


def test_an_editor_clones_edits_and_activates_a_version(editor_client, content_editor, seed):
    response = editor_client.post(
        changelist(GuidelineVersion), {"action": "clone_as_draft", "_selected_action": [seed.pk], "index": 0}
    )
    draft = GuidelineVersion.objects.get(status=GuidelineStatus.DRAFT)
    assert response.status_code == 302 and response["Location"] == change(draft)

    data = version_post(
        draft, name="local-2027-01", ablation_max_lesions="3", quorum_specialties=["surgery", "pathology"]
    )
    assert editor_client.post(change(draft), data).status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.ablation_max_lesions, draft.quorum_specialties) == (
        "local-2027-01",
        3,
        ["surgery", "pathology"],
    )
    assert draft.history.first().history_user == content_editor
    assert "Ablation: fewer liver lesions than (lesions)" in editor_client.get(change(draft)).content.decode()

    confirm = editor_client.post(
        changelist(GuidelineVersion), {"action": "activate", "_selected_action": [draft.pk], "index": 0}
    )
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert 'data-testid="activation-differences"' in page and "<td>5</td><td>3</td>" in page
    draft.refresh_from_db()
    assert draft.status == GuidelineStatus.DRAFT, "nothing happens before the confirmation"

    done = editor_client.post(
        changelist(GuidelineVersion), {"action": "activate", "_selected_action": [draft.pk], "confirm": "yes"}
    )
    assert done.status_code == 302
    draft.refresh_from_db()
    seed.refresh_from_db()
    assert (draft.status, seed.status) == (GuidelineStatus.ACTIVE, GuidelineStatus.RETIRED)
    assert LogEntry.objects.filter(object_id=str(draft.pk), change_message="Activated.").exists()


def test_an_invalid_threshold_is_named_next_to_the_field_and_nothing_is_saved(editor_client, content_editor, seed):
    draft = clone_version(seed, content_editor)
    response = editor_client.post(change(draft), version_post(draft, transplant_max_ki67="150", grade_g2_min_ki67="25"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensure this value is less than or equal to 100" in page
    assert "Must not be above" in page
    draft.refresh_from_db()
    assert draft.transplant_max_ki67 == 10


def test_only_a_draft_can_be_activated_from_the_list(editor_client, seed):
    response = editor_client.post(
        changelist(GuidelineVersion), {"action": "activate", "_selected_action": [seed.pk], "confirm": "yes"}
    )
    assert response.status_code == 302
    seed.refresh_from_db()
    assert seed.status == GuidelineStatus.ACTIVE


def test_a_staff_user_without_the_role_cannot_clone_or_activate(client, staff_without_group, seed):
    client.force_login(staff_without_group)
    response = client.post(
        changelist(GuidelineVersion), {"action": "clone_as_draft", "_selected_action": [seed.pk], "index": 0}
    )
    assert response.status_code == 403
    assert GuidelineVersion.objects.count() == 1


def test_the_texts_are_listed_in_the_engines_order(editor_client):
    page = editor_client.get(changelist(RecommendationText)).content.decode()
    assert (
        page.index("Resection of the primary tumour")
        < page.index("Liver transplantation")
        < page.index("Systemic therapy")
    )


def test_an_editor_restores_an_earlier_wording_from_the_history(editor_client):
    text = RecommendationText.objects.get(code="rfa")
    original = text.history.get()
    editor_client.post(change(text), {"title": "Changed", "summary": "Changed.", "caveats": ""})
    url = reverse("admin:pathways_recommendationtext_simple_history", args=[text.pk, original.history_id])
    data = {"title": original.title, "summary": original.summary, "caveats": original.caveats}
    assert editor_client.post(url, data).status_code == 302
    text.refresh_from_db()
    assert (text.title, text.summary) == (original.title, original.summary)
    assert text.history.count() == 3


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_each_content_list_makes_a_small_constant_number_of_queries(editor_client, model):
    with CaptureQueriesContext(connection) as queries:
        assert editor_client.get(changelist(model)).status_code == 200
    assert len(queries) <= 10, [q["sql"] for q in queries]


def test_the_version_list_does_not_grow_with_the_number_of_versions(editor_client, content_editor, seed):
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            editor_client.get(changelist(GuidelineVersion))
        counts.append(len(queries))
        for _ in range(3):
            clone_version(seed, content_editor)
    assert counts[0] == counts[1]
