"""Liver surgery: curative resection of liver metastases and debulking (seed 000, Liver Metastases).

Evaluated first: the primary-tumour rules read the liver-resection verdict (Table II Stage IV line 3a), so
liver resection reads the primary's resectability from the facts, never from the primary rule.
"""

from __future__ import annotations

from .. import citations as c
from ..assessment import Recommendation
from ..citations import Source
from ..facts import CaseFacts
from ..guideline import Guideline
from ..staging import Staging, peritoneal_disease
from .common import (
    CONSIDER,
    GRADE_FIELDS,
    NOT_REC,
    REC,
    Draft,
    Earlier,
    high_grade,
    no_liver_metastases,
    percent,
    unfit,
)


def surgical_grade(draft: Draft, staging: Staging) -> None:
    """Apply criteria iv and v: liver surgery for G1/G2; no upfront surgery for G3 (refs 10, 54, 41)."""
    high = high_grade(staging)
    if high:
        draft.exclude(
            f"Grade {staging.grade}: no upfront surgery of liver metastases because of the high risk of "
            "recurrence; hepatectomy is debatable in grade 3",
            c.G3_NO_UPFRONT_SURGERY,
            c.G3_HEPATECTOMY_DEBATABLE,
        )
    elif high is None:
        draft.unknown(
            GRADE_FIELDS, "liver surgery is for G1/G2 tumours (criterion iv)", c.LIVER_CRITERIA, subject="Grade"
        )
    else:
        draft.support(f"Grade {staging.grade}: meets criterion iv (G1/G2)", c.LIVER_CRITERIA)


def liver_fitness(draft: Draft, facts: CaseFacts, guideline: Guideline, criterion_ix: Source) -> None:
    """Rule liver surgery out for liver failure, a failing heart or poor performance status; note comorbidity."""
    liver, heart, patient = facts.liver, facts.heart, facts.patient
    if liver.liver_failure:
        draft.exclude(
            "Liver failure: the extent of liver surgery depends on the predicted remaining liver function",
            c.LIVER_RESECTION_FACTORS,
        )
    elif liver.liver_failure is None:
        # Listed to confirm, not capping: liver failure would be known clinically, and a recorded
        # resectable burden already implies a remnant judged sufficient.
        draft.ask("liver.liver_failure")
    if heart.right_heart_failure:
        draft.exclude("Right heart failure rules out liver surgery", c.ENETS_LIVER_RESECTION)
    elif heart.right_heart_failure is None:
        draft.unknown("heart.right_heart_failure", "it rules out liver surgery", c.ENETS_LIVER_RESECTION)
    if heart.carcinoid_heart_disease == "advanced":
        draft.exclude("Advanced carcinoid heart disease rules out liver surgery (criterion ix)", criterion_ix)
    elif heart.carcinoid_heart_disease is None:
        draft.unknown(
            "heart.carcinoid_heart_disease",
            "advanced carcinoid heart disease rules out liver surgery (criterion ix)",
            criterion_ix,
        )
    if unfit(facts, guideline):
        draft.exclude(
            f"ECOG performance status {patient.ecog}: hepatectomy is the standard of care in fit patients, and "
            "performance status decides the type of liver surgery",
            c.HEPATECTOMY_STANDARD,
            c.LIVER_RESECTION_FACTORS,
        )
    elif patient.ecog is None:
        # Informational, like the primary rule: the seed weighs performance status without a cut-off of its own.
        draft.ask("patient.ecog")


def liver_resection(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("liver_resection")
    if (early := no_liver_metastases(draft, facts)) is not None:
        return early
    liver, extrahepatic, primary = facts.liver, facts.extrahepatic, facts.primary
    surgical_grade(draft, staging)
    liver_fitness(draft, facts, guideline, c.CRITERION_IX)
    if extrahepatic.extra_abdominal:
        draft.exclude(
            "Extra-abdominal metastases: ENETS advises against resection of liver metastases",
            c.ENETS_LIVER_RESECTION,
        )
    elif extrahepatic.extra_abdominal is None:
        draft.unknown(
            "extrahepatic.extra_abdominal",
            "extra-abdominal metastases rule out liver resection",
            c.ENETS_LIVER_RESECTION,
            subject="Extra-abdominal disease",
        )
    if extrahepatic.progressive:
        draft.exclude(
            "Progressive extrahepatic disease: curative-intent resection is the treatment of choice for stable "
            "disease with limited liver metastases; progressive extrahepatic disease calls for systemic treatment",
            c.STAGE_IV_1,
            c.STAGE_IV_4,
        )
    # Curative intent needs the primary and its mesentery resectable too (Table II Stage IV line 3a).
    if primary.resected is False and facts.nodes.mesenteric_stage == 4:
        draft.exclude(
            "Mesenteric nodal stage 4: the primary and its nodes cannot be radically resected, so resection of "
            "the liver metastases cannot be curative (see debulking)",
            c.MESENTERIC_STAGE_IV,
            c.STAGE_IV_3A,
        )
    elif primary.resected is False and staging.n in ("N1", "N2") and facts.nodes.mesenteric_stage is None:
        draft.ask("nodes.mesenteric_stage")
    if primary.resected and primary.margin == "R2":
        draft.limit(
            "Primary resected R2: macroscopic residual disease remains, so liver resection is curative only if "
            "the residual disease is re-resected too (see primary resection)",
            c.RESIDUAL_NODES,
            c.STAGE_IV_3A,
        )
    if primary.site == "unknown":
        draft.limit(
            "Primary not found: curative intent needs the primary found and resected too; inspect and palpate "
            "the whole small bowel",
            c.STAGE_IV_3A,
            c.WHOLE_BOWEL,
        )
    peritoneal = peritoneal_disease(extrahepatic)
    if peritoneal:
        pci = extrahepatic.pci
        if pci is not None and pci >= guideline.pci_max:
            draft.exclude(
                f"Peritoneal carcinomatosis with PCI {pci}: a complete cytoreduction is not to be expected, so "
                "liver resection cannot be curative",
                c.PCI_LIMIT,
                c.PERITONEAL_DEBATABLE,
            )
        else:
            draft.limit(
                "Peritoneal carcinomatosis: liver resection is debatable, as part of cytoreductive surgery",
                c.PERITONEAL_DEBATABLE,
            )
    elif peritoneal is None:
        draft.unknown(
            "extrahepatic.peritoneal",
            "diffuse peritoneal carcinomatosis makes liver resection debatable",
            c.PERITONEAL_DEBATABLE,
            adverse=CONSIDER,
        )
    pattern = staging.liver_pattern
    if pattern == "III":
        draft.exclude(
            f"Pattern type III ({liver.lesions} bilateral lesions): surgery is only rarely indicated (see debulking)",
            c.PATTERN_III,
        )
    share = liver.resectable_percent
    main = None
    if share is None:
        draft.unknown(
            "liver.resectable_percent",
            "curative-intent resection needs all of it removable (R0, with ablation if needed)",
            c.ENETS_LIVER_RESECTION,
        )
    elif share < 100:
        draft.exclude(
            f"Only {percent(share)} of the liver tumour burden is resectable: no curative (R0) resection (see "
            "debulking)",
            c.ENETS_LIVER_RESECTION,
        )
    else:
        main = draft.support(
            "All of the liver tumour burden can be removed (with ablation if needed): curative-intent resection "
            "is the treatment of choice",
            c.STAGE_IV_1,
            c.ENETS_LIVER_RESECTION,
        )
        if pattern == "I":
            draft.support("Pattern type I (one metastasis): R0 resection gives the best survival", c.PATTERN_I)
        elif pattern == "II":
            draft.limit("Pattern type II: surgery is debatable and multiple operations may be needed", c.PATTERN_II)
        elif pattern is None and liver.bilobar is False:
            draft.note(
                f"{liver.lesions} lesions confined to one lobe: outside the three patterns, resectability decides",
                c.LIVER_PATTERNS,
            )
        elif pattern is None:
            draft.unknown(
                ("liver.bilobar",) if liver.bilobar is None else ("liver.dominant_lesion",),
                "type II is debatable and type III rarely operable",
                c.LIVER_PATTERNS,
                subject="Liver pattern (both lobes involved, dominant lesion)",
            )
    if extrahepatic.perihilar_nodes_only:
        draft.note("Perihilar lymph nodes: extrahepatic disease is not always a contraindication", c.GENERAL_7)
    patient = facts.patient
    if patient.major_comorbidity:
        draft.limit("Major comorbidity: hepatectomy is the standard of care in fit patients", c.HEPATECTOMY_STANDARD)
    elif patient.major_comorbidity is None:
        draft.unknown(
            "patient.major_comorbidity",
            "hepatectomy is the standard of care in fit patients",
            c.HEPATECTOMY_STANDARD,
            adverse=CONSIDER,
        )
    if not draft.excluded:
        draft.note("Enucleation, parenchymal-sparing and R1/R2 resections are acceptable", c.NON_R0_ACCEPTABLE)
        if primary.resected is False:
            draft.note(
                "Primary in place: with curative liver resection, oncological surgery of the primary too",
                c.STAGE_IV_3A,
            )
    return draft.done(REC, because=main)


def liver_debulking(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("liver_debulking")
    if (early := no_liver_metastases(draft, facts)) is not None:
        return early
    surgical_grade(draft, staging)
    liver_fitness(draft, facts, guideline, c.CRITERION_IX)
    share, minimum = facts.liver.resectable_percent, guideline.debulking_min_percent
    main = None
    if share is None:
        draft.unknown(
            "liver.resectable_percent",
            f"debulking needs at least {percent(minimum)} of it removable",
            c.DEBULKING,
        )
    elif share >= 100 and earlier["liver_resection"].verdict != NOT_REC:
        draft.exclude(
            "All of the liver tumour burden is resectable: complete resection is possible (see liver resection)",
            c.ENETS_LIVER_RESECTION,
        )
    elif share >= 100:
        # Criterion viii: "R0 resection, or R1/R2 in terms of cytoreductive surgery".
        main = draft.support(
            "All of the liver tumour burden is resectable, but curative resection is not recommended (see liver "
            "resection): resection as cytoreductive surgery may be a feasible option",
            c.LIVER_CRITERIA,
            c.DEBULKING,
        )
    elif share >= minimum:
        main = draft.support(
            f"{percent(share)} of the liver tumour burden resectable (at least {percent(minimum)}): debulking may "
            "be a feasible option; a 70% cut-off gave a 5-year overall survival of 75%",
            c.DEBULKING,
            c.DEBULKING_GRAFF_BAKER,
        )
        draft.note(
            "Major cytoreduction has shown outcomes similar to R0 resection, and R1/R2 margins are acceptable",
            c.CYTOREDUCTION_LIKE_R0,
            c.NON_R0_ACCEPTABLE,
        )
    else:
        draft.exclude(
            f"Only {percent(share)} of the liver tumour burden resectable: below the {percent(minimum)} needed "
            "for benefit from debulking",
            c.DEBULKING,
            c.DEBULKING_GRAFF_BAKER,
        )
    if facts.patient.major_comorbidity:
        draft.oppose(
            "Major comorbidity: weigh the operative risk; hepatectomy is the standard in fit patients",
            c.HEPATECTOMY_STANDARD,
        )
    # Debulking is never more than an option: "it may be a feasible option" (refs 9, 36).
    return draft.done(CONSIDER, because=main)
