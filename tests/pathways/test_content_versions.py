"""Guideline versions: clone, edit the draft, activate; the next evaluation uses the version just activated."""

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from cases.pathways import guideline_versions
from cases.pathways.engine import Guideline, assessment_to_dict
from cases.pathways.guideline_versions import (
    GuidelineLocked,
    activate_version,
    active_guideline,
    active_quorum,
    clone_version,
    save_draft,
)
from cases.pathways.models import GuidelineStatus, GuidelineVersion
from cases.pathways.services import assess
from cases.specialties import DEFAULT_QUORUM, Specialty
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    return GuidelineVersion.objects.get(status=GuidelineStatus.ACTIVE)


@pytest.fixture
def editor(content_editor):
    return content_editor


def test_the_active_guideline_is_the_migrated_seed_version():
    assert active_guideline() == dataclasses.replace(Guideline(), version="seed-2018-default")


def test_the_active_guideline_costs_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        active_guideline()


def test_without_any_version_the_engines_builtin_defaults_apply():
    GuidelineVersion.objects.all().delete()
    assert active_guideline() == Guideline()
    assert active_quorum() == DEFAULT_QUORUM


def test_a_database_without_content_tables_falls_back_to_the_builtin_defaults(monkeypatch):
    def missing_table(*args, **kwargs):
        raise OperationalError("no such table: pathways_guidelineversion")

    monkeypatch.setattr(GuidelineVersion.objects, "filter", missing_table)
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: ["auth_user"])
    assert active_guideline() == Guideline()


def test_any_other_database_error_is_not_hidden(monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(GuidelineVersion.objects, "filter", broken)
    with pytest.raises(OperationalError):
        active_guideline()


def test_cloning_makes_a_draft_with_the_same_thresholds_and_quorum(seed, editor):
    draft = clone_version(seed, editor)
    assert draft.status == GuidelineStatus.DRAFT
    assert draft.name.startswith("seed-2018-default draft ")
    assert draft.thresholds() == seed.thresholds()
    assert draft.quorum_specialties == seed.quorum_specialties
    assert draft.created_by == editor
    assert draft.history.get().history_user == editor
    assert active_guideline().version == "seed-2018-default", "a draft changes nothing"


def test_cloning_twice_on_one_day_gives_distinct_names(seed, editor):
    assert clone_version(seed, editor).name != clone_version(seed, editor).name


def test_activating_a_draft_retires_the_active_version_in_one_step(seed, editor):
    draft = clone_version(seed, editor, name="local-2027-01")
    draft.pci_max = 15
    save_draft(draft, editor)
    activate_version(draft, editor)
    seed.refresh_from_db()
    draft.refresh_from_db()
    assert (seed.status, draft.status) == (GuidelineStatus.RETIRED, GuidelineStatus.ACTIVE)
    assert seed.retired_at == draft.activated_at
    assert GuidelineVersion.objects.filter(status=GuidelineStatus.ACTIVE).count() == 1
    assert active_guideline().version == "local-2027-01"
    assert active_guideline().pci_max == 15
    assert draft.history.first().history_change_reason == "Activated"
    assert seed.history.first().history_change_reason == "Superseded by local-2027-01"
    assert seed.history.first().history_user == editor


def test_a_lower_ablation_lesion_limit_changes_the_verdict_of_the_next_evaluation(seed, editor):
    case = make_case(**{**STAGE_IV, "liver_near_vital_structures": False})  # two liver lesions
    before = assess(case).assessment
    assert before.recommendation("rfa").verdict != "not_recommended"
    kept = assessment_to_dict(before)  # what a decision records

    draft = clone_version(seed, editor, name="fewer-ablation-lesions")
    draft.ablation_max_lesions = 2
    save_draft(draft, editor)
    activate_version(draft, editor)

    after = assess(case).assessment
    assert after.guideline_version == "fewer-ablation-lesions"
    assert after.recommendation("rfa").verdict == "not_recommended"
    assert any("fewer than 2" in reason for reason in after.recommendation("rfa").reasons)
    # What was recorded under the old version still reads the same.
    assert kept["guideline_version"] == "seed-2018-default"
    assert (
        next(r for r in kept["recommendations"] if r["code"] == "rfa")["verdict"]
        == before.recommendation("rfa").verdict
    )


def test_the_quorum_comes_from_the_active_version(seed, editor):
    draft = clone_version(seed, editor)
    draft.quorum_specialties = ["surgery", "hepatology"]
    save_draft(draft, editor)
    activate_version(draft, editor)
    assert active_quorum() == (Specialty.SURGERY, Specialty.HEPATOLOGY)


def test_an_active_version_cannot_be_saved_through_the_service(seed, editor):
    seed.pci_max = 30
    with pytest.raises(GuidelineLocked):
        save_draft(seed, editor)
    seed.refresh_from_db()
    assert seed.pci_max == 20


def test_a_draft_that_was_activated_meanwhile_cannot_be_saved(seed, editor):
    draft = clone_version(seed, editor)
    stale = GuidelineVersion.objects.get(pk=draft.pk)
    activate_version(draft, editor)
    stale.pci_max = 30
    with pytest.raises(GuidelineLocked):
        save_draft(stale, editor)
    assert GuidelineVersion.objects.get(pk=draft.pk).pci_max == 20


@pytest.mark.parametrize("status", [GuidelineStatus.ACTIVE, GuidelineStatus.RETIRED])
def test_only_a_draft_can_be_activated(seed, editor, status):
    if status == GuidelineStatus.RETIRED:
        activate_version(clone_version(seed, editor), editor)
        seed.refresh_from_db()
    with pytest.raises(GuidelineLocked):
        activate_version(seed, editor)
    assert GuidelineVersion.objects.filter(status=GuidelineStatus.ACTIVE).count() == 1


def test_an_invalid_draft_is_not_activated(seed, editor):
    draft = clone_version(seed, editor)
    GuidelineVersion.objects.filter(pk=draft.pk).update(quorum_specialties=[])  # bypassing validation
    with pytest.raises(ValidationError) as error:
        activate_version(draft, editor)
    assert "quorum_specialties" in error.value.message_dict
    seed.refresh_from_db()
    assert seed.status == GuidelineStatus.ACTIVE


def test_a_retired_version_can_be_cloned_to_bring_it_back(seed, editor):
    newer = clone_version(seed, editor, name="newer")
    newer.pci_max = 10
    save_draft(newer, editor)
    activate_version(newer, editor)
    seed.refresh_from_db()
    again = clone_version(seed, editor, name="seed-again")
    activate_version(again, editor)
    assert active_guideline().pci_max == 20
    assert active_guideline().version == "seed-again"


def test_the_service_module_reads_the_database_on_every_call(seed, editor):
    """No process cache: another worker's activation is seen by the next evaluation here."""
    assert guideline_versions.active_guideline().version == "seed-2018-default"
    GuidelineVersion.objects.filter(pk=seed.pk).update(pci_max=25)  # as if changed elsewhere
    assert guideline_versions.active_guideline().pci_max == 25
