"""Clinical decision engine for small-intestinal neuroendocrine neoplasms (pure Python, no Django).

Public API::

    facts = facts_from_dict(json.loads(text))        # strict; FactsError lists every bad field
    assessment = evaluate(facts, Guideline())        # stage, grade, a verdict for every option
    data = assessment_to_dict(assessment)            # the one JSON serialiser

Clinical sources: the 2018 review in ``shared/seeds`` (reference numbers in the citations), AJCC 8th for TNM
and WHO 2019 for grading; every rule is listed with its passage in ``docs/clinical-rules.md``.
"""

from __future__ import annotations

from .assessment import Assessment, Recommendation, Verdict, assessment_to_dict
from .facts import FACT_LABELS, CaseFacts, FactsError, contradictions, derive, facts_from_dict, facts_to_dict
from .guideline import Guideline
from .rules import RECOMMENDATION_CODES, recommend, verdicts_only
from .staging import Staging, stage_case
from .workup import WORKUP_ITEMS, missing_workup

__all__ = [
    "FACT_LABELS",
    "RECOMMENDATION_CODES",
    "WORKUP_ITEMS",
    "Assessment",
    "CaseFacts",
    "FactsError",
    "Guideline",
    "Recommendation",
    "Verdict",
    "assembled",
    "assessment_to_dict",
    "contradictions",
    "derive",
    "evaluate",
    "facts_from_dict",
    "facts_to_dict",
    "stage_case",
    "verdicts_only",
]


def evaluate(facts: CaseFacts, guideline: Guideline) -> Assessment:
    """Return the assessment of one case under ``guideline``: a pure function of its two arguments."""
    # Facts built directly (not through facts_from_dict) still get the booleans their values settle.
    facts = derive(facts)
    staging = stage_case(facts, guideline)
    return assembled(facts, guideline, staging, recommend(facts, guideline, staging))


def assembled(
    facts: CaseFacts, guideline: Guideline, staging: Staging, recommendations: tuple[Recommendation, ...]
) -> Assessment:
    """Return the assessment of derived FACTS from their STAGING and RECOMMENDATIONS under GUIDELINE.

    The last step of ``evaluate``, apart for a caller that obtains the recommendations another way (the impact
    preview reuses the rules' results that a guideline draft cannot change).
    """
    workup, workup_notes = missing_workup(facts, staging.grade)
    return Assessment(
        t=staging.t,
        n=staging.n,
        m=staging.m,
        m_category=staging.m_category,
        stage=staging.stage,
        grade=staging.grade,
        liver_pattern=staging.liver_pattern,
        recommendations=recommendations,
        missing_workup=workup,
        guideline_version=guideline.version,
        notes=(*staging.notes, *workup_notes),
        t_at_least=staging.t_at_least,
    )
