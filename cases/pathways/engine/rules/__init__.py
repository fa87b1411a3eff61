"""The recommendation rules, one module per section, and the one order they are evaluated in.

Each rule is ``rule(facts, guideline, staging, earlier) -> Recommendation``; ``earlier`` holds the results of
the rules evaluated before it in ``EVALUATION_ORDER``, never later ones, so options that depend on each other
read each other's verdicts without circularity:

1. liver surgery (reads only facts; the primary's resectability from the facts),
2. the primary (reads curative liver resection: Table II Stage IV line 3a),
3. ablation (RFA is an adjunct when liver resection is recommended),
4. intra-arterial therapy (for patients ineligible for surgery; after RFA),
5. transplantation, 6. the peritoneum (HIPEC after cytoreduction),
7. medical options, which read every procedure: the systemic and long-term SSA paths for disease without a
   curative operation, the cover and the cardiology assessment for planned procedures; and last the
   cholecystectomy, which needs both an operation and SSA or chemoembolisation foreseen.

The output keeps ``RECOMMENDATION_CODES`` order. Unknown facts (``None``) are never read as "no"; see
``common.Draft`` and docs/clinical-rules.md.
"""

from __future__ import annotations

from collections.abc import Callable

from ..assessment import Recommendation
from ..facts import CaseFacts
from ..guideline import Guideline
from ..staging import Staging
from .ablation import ire, mwa, rfa
from .common import RECOMMENDATION_CODES, TITLES, Earlier, verdicts_only
from .intra_arterial import sirt, tae_tace
from .liver_surgery import liver_debulking, liver_resection
from .medical import (
    adjuvant_therapy,
    cardiology_assessment,
    perioperative_ssa,
    somatostatin_analogue,
    systemic_therapy,
)
from .peritoneal import hipec, peritoneal_cytoreduction
from .primary import (
    ileocecal_valve_preservation,
    laparoscopic_approach,
    primary_resection,
    prophylactic_cholecystectomy,
    right_hemicolectomy,
)
from .transplant import liver_transplant

__all__ = ["EVALUATION_ORDER", "RECOMMENDATION_CODES", "TITLES", "recommend", "verdicts_only"]

Rule = Callable[[CaseFacts, Guideline, Staging, Earlier], Recommendation]

EVALUATION_ORDER: tuple[tuple[str, Rule], ...] = (
    ("liver_resection", liver_resection),
    ("liver_debulking", liver_debulking),
    ("primary_resection", primary_resection),
    ("right_hemicolectomy", right_hemicolectomy),
    ("ileocecal_valve_preservation", ileocecal_valve_preservation),
    ("laparoscopic_approach", laparoscopic_approach),
    ("rfa", rfa),
    ("mwa", mwa),
    ("ire", ire),
    ("tae_tace", tae_tace),
    ("sirt", sirt),
    ("liver_transplant", liver_transplant),
    ("peritoneal_cytoreduction", peritoneal_cytoreduction),
    ("hipec", hipec),
    ("systemic_therapy", systemic_therapy),
    ("somatostatin_analogue", somatostatin_analogue),
    ("perioperative_ssa", perioperative_ssa),
    ("cardiology_assessment", cardiology_assessment),
    ("adjuvant_therapy", adjuvant_therapy),
    ("prophylactic_cholecystectomy", prophylactic_cholecystectomy),
)


def recommend(facts: CaseFacts, guideline: Guideline, staging: Staging) -> tuple[Recommendation, ...]:
    """Run every rule in ``EVALUATION_ORDER`` and return the results in ``RECOMMENDATION_CODES`` order."""
    results: dict[str, Recommendation] = {}
    for code, rule in EVALUATION_ORDER:
        results[code] = rule(facts, guideline, staging, results)
    return tuple(results[code] for code in RECOMMENDATION_CODES)
