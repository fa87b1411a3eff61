"""Intra-arterial liver treatment: TAE/TACE and SIRT (seed 000, Locoregional Treatment: refs 16, 40, 42, 66,
70-74; Table II Stage IV lines 4-6; seed 003 on embolisation and TARE).

Both read the liver-surgery verdicts: they are "indicated in patients ineligible for surgery (70)".
"""

from __future__ import annotations

from .. import citations as c
from ..assessment import Recommendation
from ..facts import CaseFacts
from ..guideline import Guideline
from ..staging import Staging
from .common import (
    CONSIDER,
    REC,
    Draft,
    Earlier,
    lesions_text,
    liver_directed_limits,
    no_liver_metastases,
    percent,
    ssa_first,
)

# Seed 000, intra-arterial liver treatment: "a relative contradiction in portal vein thrombosis and liver
# failure. Other relative contradictions include Whipple procedure and hepatopulmonary shunts."
RELATIVE_CONTRAINDICATIONS = (
    ("portal_vein_thrombosis", "Portal vein thrombosis"),
    ("liver_failure", "Liver failure"),
    ("biliary_enteric_anastomosis", "Biliary-enteric anastomosis (Whipple procedure)"),
    ("hepatopulmonary_shunt", "Hepatopulmonary shunt"),
)


def _relative_contraindications(draft: Draft, facts: CaseFacts, therapy: str) -> None:
    for name, label in RELATIVE_CONTRAINDICATIONS:
        value = getattr(facts.liver, name)
        if value:
            draft.limit(f"{label}: relative contraindication to {therapy}", c.TACE_CONTRAINDICATIONS)
        elif value is None:
            draft.unknown(
                f"liver.{name}",
                f"a relative contraindication to {therapy}",
                c.TACE_CONTRAINDICATIONS,
                subject=label,
                adverse=CONSIDER,
            )


def _surgery_first(draft: Draft, earlier: Earlier) -> None:
    """Rule intra-arterial therapy out while curative resection is recommended; limit it while surgery is considered."""
    if earlier["liver_resection"].verdict == REC:
        draft.exclude(
            "Curative liver resection is recommended: intra-arterial therapy is for patients ineligible for surgery",
            c.INTRA_ARTERIAL_INDICATION,
        )
        return
    considered = [
        name
        for code, name in (("liver_resection", "liver resection"), ("liver_debulking", "debulking"))
        if earlier[code].verdict == CONSIDER
    ]
    if considered:
        draft.limit(
            f"Liver surgery is still to be considered ({' or '.join(considered)}): intra-arterial therapy is for "
            "patients ineligible for surgery, so only if surgery is not pursued",
            c.INTRA_ARTERIAL_INDICATION,
        )


def tae_tace(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("tae_tace")
    if (early := no_liver_metastases(draft, facts)) is not None:
        return early
    liver_directed_limits(draft, facts, staging, guideline, "TAE/TACE", liver_function=False, outside_unknown_caps=True)
    _surgery_first(draft, earlier)
    if earlier["rfa"].verdict == REC:
        draft.limit(
            "RFA is recommended for these few small lesions: no data show TACE superior to RFA", c.TACE_VERSUS_RFA
        )
    _relative_contraindications(draft, facts, "TAE/TACE")
    main = draft.support(
        f"Liver metastases ({lesions_text(facts.liver.lesions)}) in a patient not treated by curative surgery: "  # type: ignore[arg-type]
        "intra-arterial therapy is indicated for patients ineligible for surgery and is the second-line option "
        "for mainly liver metastases",
        c.INTRA_ARTERIAL_INDICATION,
        c.STAGE_IV_4,
    )
    draft.note(
        "Symptom control and tumour reduction in more than 50%; TAE and TACE do not differ significantly in "
        "outcome; perform at an expert centre",
        c.TACE_RESULTS,
        c.STAGE_IV_5,
        c.TACE_EXPERT_CENTRE,
    )
    if not draft.excluded:
        ssa_first(draft, facts)
    return draft.done(REC, because=main)


def sirt(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("sirt")
    if (early := no_liver_metastases(draft, facts)) is not None:
        return early
    # Not limited by extensive liver disease: seed 003, TARE "can be used even in patients with more advanced
    # liver disease".
    liver_directed_limits(draft, facts, staging, guideline, "SIRT", liver_function=False, extensive=False)
    _surgery_first(draft, earlier)
    main = draft.support(
        "SIRT is an option for liver metastases in patients ineligible for surgery; it is promising, but more "
        "data are needed on its role",
        c.INTRA_ARTERIAL_INDICATION,
        c.SIRT_MORE_DATA,
    )
    liver = facts.liver
    if liver.bilobar:
        draft.support("Bilobar disease: SIRT may be used in bilateral disease", c.STAGE_IV_6)
    involvement = liver.involvement_percent
    if involvement is not None and involvement >= guideline.extensive_liver_involvement_percent:
        draft.support(
            f"{percent(involvement)} of the liver replaced by tumour: radioembolisation can be used even in more "
            "advanced liver disease",
            c.TARE_NECA,
        )
    if liver.hepatopulmonary_shunt:
        draft.oppose("Hepatopulmonary shunt: pulmonary shunting is a known toxicity of SIRT", c.SIRT)
    _relative_contraindications(draft, facts, "intra-arterial therapy")
    draft.note(
        "At 12 months its response rate was lower than TACE's; watch for bilomas and abscesses; SIRT may "
        "complement PRRT and can down-stage by lobar atrophy",
        c.SIRT,
        c.STAGE_IV_6,
    )
    if not draft.excluded:
        ssa_first(draft, facts)
    # Never more than an option: "more data are needed in order to determine the role of SIRT (16)".
    return draft.done(CONSIDER, because=main)
