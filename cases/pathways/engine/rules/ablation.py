"""Thermal ablation (RFA, MWA) and irreversible electroporation of liver metastases (seed 000, Locoregional
Treatment: refs 13, 42, 48, 52, 59-66; seed 003 on ablation).
"""

from __future__ import annotations

from .. import citations as c
from ..assessment import Recommendation
from ..facts import CaseFacts
from ..guideline import Guideline
from ..staging import Staging, cm
from .common import (
    CONSIDER,
    NOT_REC,
    REC,
    Draft,
    Earlier,
    lesions_text,
    liver_directed_limits,
    no_liver_metastases,
    ssa_first,
)


def _lesion_count(draft: Draft, facts: CaseFacts, guideline: Guideline, therapy: str) -> None:
    """Rule the option out when there are too many lesions: "Only a limited number of lesions (<5)" (ref 61)."""
    lesions, limit = facts.liver.lesions or 0, guideline.ablation_max_lesions
    if lesions >= limit:
        draft.exclude(f"{lesions_text(lesions)}: {therapy} is limited to fewer than {limit}", c.RFA_LIMITS)
    else:
        draft.support(f"{lesions_text(lesions)}: within the limit of fewer than {limit}", c.RFA_LIMITS)


def _vital_structures(draft: Draft, facts: CaseFacts, therapy: str) -> None:
    near = facts.liver.near_vital_structures
    if near:
        draft.exclude(
            f"Lesion close to vital structures (hepatic veins, porta hepatis): {therapy} is unsuitable; see "
            "irreversible electroporation",
            c.RFA_LIMITS,
            c.IRE,
        )
    elif near is None:
        draft.unknown(
            "liver.near_vital_structures",
            f"lesions close to them are unsuitable for {therapy}",
            c.RFA_LIMITS,
            subject="Proximity to vital structures (hepatic veins, porta hepatis)",
        )
    else:
        draft.support("Lesions away from vital structures", c.RFA_LIMITS)


def rfa(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("rfa")
    if (early := no_liver_metastases(draft, facts)) is not None:
        return early
    liver_directed_limits(draft, facts, staging, guideline, "RFA")
    _lesion_count(draft, facts, guideline, "RFA")
    diameter, limit = facts.liver.max_diameter_cm, guideline.rfa_max_diameter_cm
    if diameter is None:
        draft.unknown(
            "liver.max_diameter_cm",
            f"RFA needs a maximum diameter below {cm(limit)} cm",
            c.RFA_LIMITS,
            subject="Diameter of the largest lesion",
        )
    elif diameter >= limit:
        draft.exclude(
            f"Largest lesion {cm(diameter)} cm: RFA needs a maximum diameter below {cm(limit)} cm, and larger "
            "lesions render it inapplicable",
            c.RFA_LIMITS,
            c.RFA_OVER_5CM,
        )
    else:
        draft.support(f"Largest lesion {cm(diameter)} cm: below {cm(limit)} cm", c.RFA_LIMITS)
    _vital_structures(draft, facts, "RFA")
    if earlier["liver_resection"].verdict == REC:
        main = draft.support(
            "Liver resection is recommended: RFA as an adjunct to destroy multifocal disease or limit the extent "
            "of the hepatectomy",
            c.RFA_ADJUNCT,
            c.GENERAL_6,
        )
        candidate = CONSIDER
    else:
        main = draft.support(
            "RFA can be used alone, also in patients ineligible for hepatectomy, percutaneously or laparoscopically",
            c.RFA_ROLE,
        )
        draft.note(
            "Symptom control in 70-80% and 5-year overall survival of 53% after RFA alone; most centres recommend it",
            c.RFA_RESULTS,
        )
        candidate = REC
    if not draft.excluded:
        ssa_first(draft, facts)
    return draft.done(candidate, because=main)


def mwa(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("mwa")
    if (early := no_liver_metastases(draft, facts)) is not None:
        return early
    liver_directed_limits(draft, facts, staging, guideline, "MWA")
    _lesion_count(draft, facts, guideline, "thermal ablation")
    diameter, limit = facts.liver.max_diameter_cm, guideline.mwa_max_diameter_cm
    if diameter is None:
        draft.unknown(
            "liver.max_diameter_cm",
            f"MWA suits lesions up to about {cm(limit)} cm",
            c.MWA,
            subject="Diameter of the largest lesion",
        )
    elif diameter > limit:
        draft.exclude(
            f"Largest lesion {cm(diameter)} cm: beyond the lesions of around {cm(limit)} cm that MWA treats", c.MWA
        )
    else:
        draft.support(
            f"Largest lesion {cm(diameter)} cm: MWA destroys lesions of around {cm(limit)} cm better than RFA",
            c.MWA,
            c.MWA_NECA,
        )
    _vital_structures(draft, facts, "MWA")
    main = draft.support(
        "MWA is newer than RFA and may give more durable results, so it is an option rather than the default", c.MWA
    )
    if not draft.excluded:
        ssa_first(draft, facts)
    return draft.done(CONSIDER, because=main)


def ire(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("ire")
    if (early := no_liver_metastases(draft, facts)) is not None:
        return early
    liver_directed_limits(draft, facts, staging, guideline, "IRE")
    _lesion_count(draft, facts, guideline, "local destruction")
    near = facts.liver.near_vital_structures
    main = None
    if near is False:
        thermal = " or ".join(
            name for code, name in (("rfa", "RFA"), ("mwa", "MWA")) if earlier[code].verdict != NOT_REC
        )
        draft.exclude(
            "Lesions away from vital structures: IRE is for lesions close to hepatic veins or the porta hepatis"
            + (f"; {thermal} will do" if thermal else ""),
            c.IRE,
            c.RFA_LIMITS,
        )
    elif near is None:
        main = draft.unknown(
            "liver.near_vital_structures",
            "IRE is for lesions close to hepatic veins or the porta hepatis",
            c.IRE,
            subject="Proximity to vital structures",
            favourable=CONSIDER,
            caps=False,
        )
    else:
        main = draft.support(
            "Lesion close to vital structures: IRE destroys tumour there without sacrificing them", c.IRE
        )
    if not draft.excluded:
        ssa_first(draft, facts)
    return draft.done(CONSIDER, because=main)
