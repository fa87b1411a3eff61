"""Guideline parameters carry admin metadata; the docs cover every rule, parameter and citation."""

import dataclasses
from pathlib import Path

import pytest

from cases.pathways.engine import RECOMMENDATION_CODES, Guideline
from cases.pathways.engine import citations as c
from cases.pathways.engine.guideline import BUILTIN_VERSION, parameter_names

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "clinical-rules.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", dataclasses.fields(Guideline), ids=lambda f: f.name)
def test_every_guideline_field_has_unit_help_and_citation(field):
    assert set(field.metadata) == {"unit", "help", "citation"}
    assert field.metadata["help"]
    if field.name != "version":
        assert field.metadata["citation"], field.name


def test_the_builtin_guideline_names_its_version():
    assert Guideline().version == BUILTIN_VERSION == "builtin-seed-2018"


def test_the_guideline_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Guideline().pci_max = 30  # type: ignore[misc]


def test_an_assessment_records_the_guideline_version(assess):
    assert assess(Guideline(version="local-2026-01")).guideline_version == "local-2026-01"


@pytest.mark.parametrize("code", RECOMMENDATION_CODES)
def test_the_clinical_rules_document_covers_every_recommendation(code):
    assert f"`{code}`" in DOCS


@pytest.mark.parametrize("name", parameter_names())
def test_the_clinical_rules_document_lists_every_guideline_parameter_with_its_default(name):
    assert f"| `{name}` | {getattr(Guideline(), name):g} |" in DOCS


SOURCES = [value for value in vars(c).values() if isinstance(value, c.Source)]


@pytest.mark.parametrize("ref", sorted({ref for source in SOURCES for ref in source.refs}))
def test_every_cited_reference_number_has_a_row_in_the_document(ref):
    assert f"| {ref} |" in DOCS


def test_a_citation_reads_ref_section_and_passage():
    assert str(c.RFA_LIMITS).startswith("ref 61 — Locoregional Treatment: RFA (fewer than 5 lesions")
    assert c.STAGE_IV_4.tag == "Table II, Stage IV line 4; refs 70, 44"
    assert c.STAGE_IV_3B.tag == "Table II, Stage IV line 3b"


def test_every_applicable_recommendation_cites_a_passage(assess):
    result = assess(liver={"lesions": 3, "max_diameter_cm": 2.0, "resectable_percent": 100})
    for rec in result.recommendations:
        if not rec.reasons[-1].endswith("not applicable."):
            assert rec.citations, rec.code
