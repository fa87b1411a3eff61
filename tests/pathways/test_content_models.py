"""The content models mirror the engine, and the data migration's defaults equal the engine's (no drift)."""

import dataclasses
import importlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.pathways.admin import THRESHOLD_NAMES
from cases.pathways.engine import RECOMMENDATION_CODES, Guideline
from cases.pathways.engine import citations as c
from cases.pathways.engine.guideline import parameter_names
from cases.pathways.engine.rules import TITLES
from cases.pathways.models import (
    THRESHOLDS,
    GuidelineStatus,
    GuidelineVersion,
    RecommendationText,
    Reference,
    StepHelp,
)
from cases.pathways.steps import STEPS
from cases.specialties import DEFAULT_QUORUM, Specialty

pytestmark = pytest.mark.django_db

SEED = importlib.import_module("cases.pathways.migrations.0002_seed_content")
ROUND_TWO = importlib.import_module("cases.pathways.migrations.0004_round_two_texts_and_references")
TEXTS = {**SEED.TEXTS, **ROUND_TWO.TEXTS}
ENGINE_FIELDS = {f.name: f for f in dataclasses.fields(Guideline)}


def model_threshold_fields() -> dict:
    skip = {"id", "name", "status", "effective_date", "notes", "quorum_specialties", "created_at", "updated_at"}
    skip |= {"created_by", "activated_at", "retired_at"}
    return {f.name: f for f in GuidelineVersion._meta.concrete_fields if f.name not in skip}


def seed_version() -> GuidelineVersion:
    return GuidelineVersion.objects.get(name=SEED.SEED_VERSION)


# --- one source of truth --------------------------------------------------------------------------------------


def test_the_model_has_exactly_the_engines_thresholds():
    assert set(model_threshold_fields()) == set(parameter_names()) == set(THRESHOLDS)


@pytest.mark.parametrize("name", parameter_names())
def test_each_threshold_field_has_the_engines_type_unit_help_and_citation(name):
    field = model_threshold_fields()[name]
    meta = ENGINE_FIELDS[name].metadata
    assert field.get_internal_type() == {"int": "IntegerField", "float": "FloatField"}[ENGINE_FIELDS[name].type]
    assert f"({meta['unit']})" in str(field.verbose_name)
    assert meta["unit"] in field.help_text and meta["help"] in field.help_text and meta["citation"] in field.help_text
    assert field.validators, "every threshold has bounds"


@pytest.mark.parametrize("name", parameter_names())
def test_the_engines_default_lies_within_the_fields_bounds(name):
    _, lowest, highest = THRESHOLDS[name]
    assert lowest <= getattr(Guideline(), name) <= highest


def test_the_migrations_thresholds_equal_the_engines_defaults():
    defaults = dataclasses.asdict(Guideline())
    del defaults["version"]
    loaded = {**SEED.THRESHOLDS, **ROUND_TWO.NEW_THRESHOLDS}
    assert defaults == loaded
    assert all(type(loaded[name]) is type(value) for name, value in defaults.items())


def test_existing_versions_get_the_engines_defaults_for_the_round_two_thresholds():
    version = seed_version()
    assert (version.unfit_min_ecog, version.extensive_liver_involvement_percent) == (3, 50.0)


def test_the_migrated_active_version_gives_the_engines_defaults_under_its_own_name():
    version = seed_version()
    assert version.status == GuidelineStatus.ACTIVE
    assert version.to_guideline() == dataclasses.replace(Guideline(), version="seed-2018-default")


def test_the_migrated_quorum_is_the_default_quorum():
    assert [str(s) for s in DEFAULT_QUORUM] == SEED.QUORUM
    assert seed_version().quorum() == DEFAULT_QUORUM


def test_the_migration_loads_a_text_for_every_option_titled_as_in_the_engine():
    assert {code: title for code, (title, _, _) in TEXTS.items()} == TITLES
    stored = dict(RecommendationText.objects.values_list("code", "title"))
    assert stored == TITLES
    assert not RecommendationText.objects.filter(summary="").exists()


def test_the_migration_loads_every_steps_intro_as_its_help():
    assert {step.slug: step.intro for step in STEPS} == SEED.STEP_HELP
    assert dict(StepHelp.objects.values_list("step", "text")) == SEED.STEP_HELP


ENGINE_REFS = sorted({ref for s in vars(c).values() if isinstance(s, c.Source) for ref in s.refs})


def test_every_reference_the_engine_cites_is_loaded_with_where_the_seed_cites_it():
    stored = {r.number: r for r in Reference.objects.all()}
    assert set(ENGINE_REFS) <= set(stored)
    for number in ENGINE_REFS:
        assert stored[number].seed_sections and stored[number].cited_for, number
        assert f"ref {number} of the 2018 review" in stored[number].citation.lower()


def test_every_reference_the_default_texts_cite_is_loaded():
    texts = " ".join(f"{summary} {caveats}" for _, summary, caveats in TEXTS.values())
    cited = set()
    for group in re.findall(r"refs? ([\d, -]+)", texts):
        for part in group.split(","):
            low, _, high = part.strip().partition("-")
            if low.isdigit():
                cited |= set(range(int(low), int(high or low) + 1))
    assert cited <= set(Reference.objects.values_list("number", flat=True))


def test_the_seeds_authors_are_kept_where_the_text_names_them():
    assert Reference.objects.get(number=78).citation.startswith("Mazzaferro et al.")
    assert Reference.objects.get(number=53).citation.startswith("Graff-Baker et al.")


def test_the_migrated_content_has_a_history_record_of_its_loading():
    record = seed_version().history.get()
    assert (record.history_type, record.history_change_reason) == ("+", SEED.REASON)
    assert RecommendationText.history.count() == len(RECOMMENDATION_CODES)


def test_every_threshold_is_in_exactly_one_admin_fieldset():
    assert sorted(THRESHOLD_NAMES) == sorted(parameter_names())


# --- validation ---------------------------------------------------------------------------------------------


def draft(**changes) -> GuidelineVersion:
    values = {"name": "local-draft", "effective_date": "2027-01-01", **seed_version().thresholds(), **changes}
    return GuidelineVersion(**values)


def test_a_valid_draft_passes_validation():
    draft().full_clean()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ablation_max_lesions", 0),
        ("transplant_max_ki67", 101),
        ("debulking_min_percent", -1),
        ("rfa_max_diameter_cm", 0),
        ("pci_max", 41),
        ("lymph_node_min", 0),
    ],
)
def test_an_out_of_range_threshold_is_refused_by_the_form_and_the_database(field, value):
    with pytest.raises(ValidationError) as error:
        draft(**{field: value}).full_clean()
    assert field in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        draft(**{field: value}).save()


def test_a_g2_cut_off_above_the_g3_cut_off_is_refused():
    with pytest.raises(ValidationError) as error:
        draft(grade_g2_min_ki67=25).full_clean()
    assert "grade_g2_min_ki67" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        draft(grade_g2_min_ki67=25).save()


def test_the_enets_age_must_not_be_above_the_mazzaferro_age():
    with pytest.raises(ValidationError) as error:
        draft(transplant_enets_age_limit=60).full_clean()
    assert "transplant_enets_age_limit" in error.value.message_dict


@pytest.mark.parametrize("quorum", [[], ["surgery", "surgery"], ["surgery", "astrology"], "surgery"])
def test_a_quorum_must_be_distinct_known_specialties(quorum):
    with pytest.raises(ValidationError) as error:
        draft(quorum_specialties=quorum).full_clean()
    assert "quorum_specialties" in error.value.message_dict


def test_the_builtin_version_name_is_reserved():
    with pytest.raises(ValidationError) as error:
        draft(name="builtin-seed-2018").full_clean()
    assert "name" in error.value.message_dict


def test_an_active_version_refuses_edits_in_validation():
    version = seed_version()
    version.pci_max = 30
    with pytest.raises(ValidationError, match="cannot be edited"):
        version.full_clean()


def test_the_database_holds_at_most_one_active_version():
    with pytest.raises(IntegrityError), transaction.atomic():
        draft(status=GuidelineStatus.ACTIVE).save()


def test_the_quorum_comes_back_in_the_order_of_the_specialties():
    version = draft(quorum_specialties=["pathology", "surgery"])
    assert version.quorum() == (Specialty.SURGERY, Specialty.PATHOLOGY)


@pytest.mark.parametrize(
    ("model", "values", "field"),
    [(RecommendationText, {"code": "chemo", "title": "Chemo"}, "code"), (StepHelp, {"step": "x", "text": "X"}, "step")],
)
def test_texts_only_exist_for_the_engines_codes_and_the_pathways_steps(model, values, field):
    with pytest.raises(ValidationError) as error:
        model(**values).full_clean()
    assert field in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**values)
