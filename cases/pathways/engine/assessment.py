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
class Recommendation:
    """One option with its verdict, the sentences for and against it, and the seed passages cited."""

    code: str
    verdict: Verdict
    title: str
    reasons: tuple[str, ...]
    citations: tuple[str, ...]


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

    def recommendation(self, code: str) -> Recommendation:
        """Return the recommendation for ``code`` (KeyError if there is none)."""
        for rec in self.recommendations:
            if rec.code == code:
                return rec
        raise KeyError(code)


def recommendation_to_dict(rec: Recommendation) -> dict[str, Any]:
    return {
        "code": rec.code,
        "verdict": rec.verdict.value,
        "title": rec.title,
        "reasons": list(rec.reasons),
        "citations": list(rec.citations),
    }


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """Return the JSON-ready form of ``assessment`` with the keys of the ``manage.py recommend`` contract."""
    return {
        "t": assessment.t,
        "n": assessment.n,
        "m": assessment.m,
        "m_category": assessment.m_category,
        "stage": assessment.stage,
        "grade": assessment.grade,
        "liver_pattern": assessment.liver_pattern,
        "recommendations": [recommendation_to_dict(rec) for rec in assessment.recommendations],
        "missing_workup": list(assessment.missing_workup),
        "guideline_version": assessment.guideline_version,
        "notes": list(assessment.notes),
    }
