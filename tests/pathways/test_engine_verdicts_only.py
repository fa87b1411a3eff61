"""The impact preview's fast path gives the plain engine's verdicts: evaluating without wording the reasons
(``verdicts_only``) and, with a draft, running again only the rules a changed threshold can reach (``Both``).

Checked over generated facts (the property tests' strategy: every field, boundaries included, unknown
facts too) and every threshold, so that a rule written later cannot make the fast path and the engine part.
"""

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from cases.pathways import impact
from cases.pathways.engine import Guideline, evaluate, facts_from_dict, verdicts_only
from tests.pathways.test_engine_properties import valid_cases
from tests.pathways.test_guideline_impact import changed


def counted(assessment) -> tuple:
    """Return what the preview counts and compares: staging, and each option's verdict and facts to confirm."""
    staging = tuple(getattr(assessment, item) for item in ("t", "n", "m", "m_category", "stage", "grade"))
    options = tuple((rec.code, rec.verdict, rec.to_confirm) for rec in assessment.recommendations)
    return staging, options, assessment.liver_pattern, assessment.missing_workup, assessment.notes


drafts = st.tuples(st.sampled_from(sorted(impact.THRESHOLD_NAMES)), st.sampled_from([0.5, 0.9, 1.1, 2]))


def with_a_draft(draft_change: tuple[str, float]) -> tuple[Guideline, Guideline]:
    """Return the default guideline and a draft with one threshold multiplied (DRAFT_CHANGE: name, factor)."""
    name, factor = draft_change
    baseline = Guideline()
    return baseline, dataclasses.replace(baseline, version="draft", **{name: changed(getattr(baseline, name), factor)})


def test_it_words_nothing_when_counting_verdicts_only():
    facts = facts_from_dict({"liver": {"lesions": 3, "max_diameter_cm": 2.0}})
    with verdicts_only():
        quiet = evaluate(facts, Guideline())
    assert all(rec.reasons == () and rec.why == "" and rec.citations == () for rec in quiet.recommendations)
    assert all(rec.reasons for rec in evaluate(facts, Guideline()).recommendations)


@settings(max_examples=300, deadline=None)
@given(valid_cases)
def test_counting_verdicts_only_gives_the_engines_verdicts(data):
    facts = facts_from_dict(data)
    with verdicts_only():
        quiet = evaluate(facts, Guideline())
    assert counted(quiet) == counted(evaluate(facts, Guideline()))


@settings(max_examples=300, deadline=None)
@given(valid_cases, drafts)
def test_the_preview_gives_the_engines_verdicts_under_both_versions(data, draft_change):
    baseline, draft = with_a_draft(draft_change)
    facts = facts_from_dict(data)
    with verdicts_only():
        with_baseline, with_draft = impact.Both(baseline, draft)(facts)
    assert counted(with_baseline) == counted(evaluate(facts, baseline))
    assert counted(with_draft) == counted(evaluate(facts, draft)), draft_change


@settings(max_examples=150, deadline=None)
@given(valid_cases, drafts)
def test_the_preview_with_reasons_worded_equals_the_engine_in_full(data, draft_change):
    baseline, draft = with_a_draft(draft_change)
    facts = facts_from_dict(data)
    with_baseline, with_draft = impact.Both(baseline, draft)(facts)
    assert with_baseline == evaluate(facts, baseline)
    assert dataclasses.replace(with_draft, guideline_version="draft") == evaluate(facts, draft)
