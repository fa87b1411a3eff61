"""The engine's output and its one serialiser (used by ``manage.py recommend``, the web app and the PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    RECOMMENDED = "recommended"
    CONSIDER = "consider"
    NOT_RECOMMENDED = "not_recommended"


# Lower rank = weaker verdict; used to cap a verdict ("at most consider").
VERDICT_RANK = {Verdict.NOT_RECOMMENDED: 0, Verdict.CONSIDER: 1, Verdict.RECOMMENDED: 2}


@dataclass(frozen=True, slots=True)
class ToConfirm:
    """An unknown fact whose value could change a verdict: its input path and what it is, in words."""

    field: str
    label: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One option with its verdict, the reasons for and against it, and the seed passages cited.

    ``reasons`` start with the deciding reason (the one that set the verdict), then the reasons for, against,
    the unknown facts and the context, each once. ``why`` is that deciding reason; ``to_confirm`` lists the
    unknown facts whose value could change the verdict.
    """

    code: str
    verdict: Verdict
    title: str
    reasons: tuple[str, ...]
    citations: tuple[str, ...]
    why: str = ""
    to_confirm: tuple[ToConfirm, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    """Stage, grade, liver pattern, a verdict for every option, and the missing work-up of one case."""

    t: str
    n: str
    m: str | None
    m_category: str | None
    stage: str | None
    grade: str | None
    liver_pattern: str | None
    recommendations: tuple[Recommendation, ...]
    missing_workup: tuple[str, ...]
    guideline_version: str
    notes: tuple[str, ...]
    # Since issue 17: with T unassessable (TX), the lowest T the facts already give ("T2" for >1 cm).
    t_at_least: str | None = None

    def recommendation(self, code: str) -> Recommendation:
        """Return the recommendation for ``code`` (KeyError if there is none)."""
        for recommendation in self.recommendations:
            if recommendation.code == code:
                return recommendation
        raise KeyError(code)


def recommendation_to_dict(recommendation: Recommendation) -> dict[str, Any]:
    """Return one option in the contract's form; ``why`` and ``to_confirm`` were added last (the contract grows)."""
    return {
        "code": recommendation.code,
        "verdict": recommendation.verdict.value,
        "title": recommendation.title,
        "reasons": list(recommendation.reasons),
        "citations": list(recommendation.citations),
        "why": recommendation.why,
        "to_confirm": [{"field": item.field, "label": item.label} for item in recommendation.to_confirm],
    }


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """Return the JSON-ready form of ``assessment`` with the keys of the ``manage.py recommend`` contract.

    Keys added later come last (``t_at_least``, issue 17): the contract only grows.
    """
    return {
        "t": assessment.t,
        "n": assessment.n,
        "m": assessment.m,
        "m_category": assessment.m_category,
        "stage": assessment.stage,
        "grade": assessment.grade,
        "liver_pattern": assessment.liver_pattern,
        "recommendations": [recommendation_to_dict(item) for item in assessment.recommendations],
        "missing_workup": list(assessment.missing_workup),
        "guideline_version": assessment.guideline_version,
        "notes": list(assessment.notes),
        "t_at_least": assessment.t_at_least,
    }
