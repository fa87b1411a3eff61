"""Missing pre-operative work-up (Preoperative Care, ref 10; Figure 1).

An item is missing unless it is recorded as done: ``False`` and unknown (``None``) both count as missing.
"""

from __future__ import annotations

from .facts import CaseFacts

WORKUP_ITEMS = (
    "ct_or_mri",
    "sstr_imaging",
    "urine_5hiaa",
    "chromogranin_a",
    "histology",
    "echocardiogram",
    "nt_probnp",
    "fdg_pet",
)
ALWAYS = WORKUP_ITEMS[:5]


def missing_workup(facts: CaseFacts, grade: str | None) -> tuple[tuple[str, ...], list[str]]:
    """Return the missing items in the order of ``WORKUP_ITEMS`` and notes on conditional items."""
    w, s = facts.workup, facts.syndrome
    notes: list[str] = []
    missing = [item for item in ALWAYS if getattr(w, item) is not True]
    if s.carcinoid_syndrome or s.urine_5hiaa_elevated:
        if not (w.echocardiogram or facts.heart.echo_done):
            missing.append("echocardiogram")
        if not (w.nt_probnp or facts.heart.nt_probnp_pg_ml is not None):
            missing.append("nt_probnp")
    elif s.carcinoid_syndrome is None or s.urine_5hiaa_elevated is None:
        notes.append(
            "Work-up: carcinoid syndrome or urine 5-HIAA not recorded; an echocardiogram and NT-proBNP "
            "are needed if either is positive (Preoperative Care, ref 10; Figure 1)."
        )
    if grade in ("G3", "NEC"):
        if w.fdg_pet is not True:
            missing.append("fdg_pet")
    elif grade is None:
        notes.append("Work-up: grade not determined; 18FDG PET is needed if the tumour is G3 or an NEC (Figure 1).")
    return tuple(missing), notes
