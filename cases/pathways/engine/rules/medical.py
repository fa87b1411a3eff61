"""Medical options: cardiology assessment, perioperative and long-term somatostatin analogues, adjuvant and
systemic therapy (seed 000: Introduction, Abstract, Preoperative Care, Liver Metastases; Table II Stage I-III
lines 7 and 13, Stage IV line 4).

Evaluated after every surgical and liver-directed option, which they read: a cover is for a planned procedure,
and a patient whose disease remains without a curative operation leaves with a medical path (Introduction:
"For inoperable cases, hormone symptom control and suspension of tumor proliferation should be among the
therapeutic aims").
"""

from __future__ import annotations

from .. import citations as c
from ..assessment import Recommendation
from ..facts import CaseFacts
from ..guideline import Guideline
from ..staging import Staging
from .common import (
    ABDOMINAL_OPERATIONS,
    CONSIDER,
    GRADE_FIELDS,
    LIVER_DIRECTED,
    MAJOR_OPERATIONS,
    NOT_REC,
    REC,
    Draft,
    Earlier,
    best_verdict,
    days,
    disease_status,
    functional,
    functional_text,
    high_grade,
    liver_metastases,
    outside_liver,
    percent,
    planned,
    sentence_case,
    titles_of,
    unknown_m_fields,
    unknown_syndrome_fields,
)


def _only_if_planned(draft: Draft, earlier: Earlier, codes: list[str]) -> None:
    """Limit an accompanying option to 'consider' when what it accompanies is itself only to be considered."""
    if best_verdict(earlier, codes) == CONSIDER:
        text = f"Only if the procedure goes ahead, which is itself to be considered ({titles_of(codes)})"
        # An unknown fact that already limits the verdict is the better reason to lead with.
        if draft.capped_by_unknown:
            draft.note(text)
        else:
            draft.limit(text)


def cardiology_assessment(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    """Assess the heart before major surgery when carcinoid heart disease is known or suspected.

    Preoperative Care (ref 10): an echocardiogram "for assessing the burden due to carcinoid syndrome"; Figure
    1: NT-proBNP; criterion ix: advanced carcinoid cardiac disease bars liver surgery.
    """
    draft = Draft("cardiology_assessment")
    operations = planned(earlier, MAJOR_OPERATIONS)
    if not operations:
        draft.exclude("No major operation is planned: not applicable")
        return draft.done(NOT_REC)
    heart = facts.heart
    known = [
        text
        for text, present in (
            (
                f"Carcinoid heart disease ({heart.carcinoid_heart_disease})",
                heart.carcinoid_heart_disease in ("mild", "advanced"),
            ),
            ("Right heart failure", heart.right_heart_failure is True),
        )
        if present
    ]
    syndrome = functional(facts)
    main = None
    if known:
        main = draft.support(
            f"{' and '.join(known)}: a cardiological assessment (echocardiogram, NT-proBNP) before major surgery; "
            "advanced carcinoid heart disease bars liver surgery (criterion ix)",
            c.CARDIAC_WORKUP,
            c.CRITERION_IX,
            c.FIGURE_1,
        )
    elif syndrome and heart.carcinoid_heart_disease is None:
        main = draft.support(
            f"{functional_text(facts)} and no carcinoid heart disease assessment recorded: an echocardiogram and "
            "NT-proBNP before major surgery, as advanced carcinoid heart disease bars liver surgery",
            c.CARDIAC_WORKUP,
            c.FIGURE_1,
            c.CRITERION_IX,
        )
    elif heart.carcinoid_heart_disease == "none":
        draft.exclude(
            "Carcinoid heart disease excluded on assessment: no further cardiological assessment for it",
            c.CARDIAC_WORKUP,
        )
    elif syndrome is False:
        draft.exclude(
            "Neither carcinoid syndrome nor raised urine 5-HIAA: carcinoid heart disease is not suspected",
            c.CARDIAC_WORKUP,
        )
    else:
        main = draft.unknown(
            unknown_syndrome_fields(facts),
            "an echocardiogram and NT-proBNP are needed before major surgery on evidence of carcinoid syndrome",
            c.CARDIAC_WORKUP,
            c.FIGURE_1,
            adverse=NOT_REC,
            favourable=REC,
        )
    if heart.right_heart_failure is None and not draft.excluded:
        draft.ask("heart.right_heart_failure", favourable=REC)
    # Not limited by the operation's own verdict: the assessment is what decides whether it is safe.
    return draft.done(REC, because=main)


def perioperative_ssa(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("perioperative_ssa")
    operations = planned(earlier, MAJOR_OPERATIONS)
    procedures = planned(earlier, LIVER_DIRECTED)
    syndrome = functional(facts)
    if not operations and not procedures:
        also = " (long-term somatostatin analogue therapy treats the syndrome)" if syndrome else ""
        draft.exclude(
            f"No operation or liver-directed procedure is planned: no perioperative cover is needed now{also}"
        )
        return draft.done(NOT_REC)
    liver_surgery = [code for code in ("liver_resection", "liver_debulking", "liver_transplant") if code in operations]
    if syndrome is False:
        draft.exclude(
            "Neither carcinoid syndrome nor raised urine 5-HIAA: no indication for somatostatin analogue cover",
            c.SSA_PROTOCOL,
        )
        return draft.done(NOT_REC)
    if syndrome:
        main = draft.support(
            f"{functional_text(facts)}: somatostatin analogue cover prevents a carcinoid crisis during the "
            "planned procedure",
            c.SSA_PROTOCOL,
        )
        if liver_surgery:
            draft.support(
                "Liver metastasectomy or transplantation of serotonin-secreting tumours carries a very high risk of "
                "crisis",
                c.SSA_LARGE_TUMOURS,
            )
        draft.note("A known uncontrolled syndrome means a very high risk of crisis", c.UNCONTROLLED_SYNDROME)
    else:
        main = draft.unknown(
            unknown_syndrome_fields(facts),
            "cover is needed on evidence or suspicion of carcinoid syndrome",
            c.SSA_PROTOCOL,
            subject="Carcinoid syndrome or urine 5-HIAA",
            favourable=REC,
        )
        if liver_surgery:
            draft.note(
                "If the tumour secretes serotonin, liver metastasectomy or transplantation carries a high risk of "
                "crisis",
                c.SSA_LARGE_TUMOURS,
            )
    if operations:
        draft.note(
            f"Start octreotide at least {days(guideline.ssa_start_days_before)} before surgery, continue it during "
            f"the operation and for at least {days(guideline.ssa_continue_days_after)} after, then discontinue "
            "gradually",
            c.SSA_PROTOCOL,
        )
        draft.note(
            f"Major surgery: a preoperative dose, then a continuous infusion during surgery, multiplied by "
            f"{guideline.ssa_crisis_infusion_factor:g} in a carcinoid crisis; after surgery reduce by "
            f"{percent(guideline.ssa_taper_percent_per_day)} per day",
            c.SSA_MAJOR_SURGERY,
        )
        draft.note(
            "Correct electrolyte disturbances before surgery; treat unexplained intraoperative hypotension or "
            "bronchospasm with fluids, octreotide and steroids (vasoconstrictors are debatable)",
            c.SSA_MAJOR_SURGERY,
        )
    if procedures:
        draft.note("Give it before liver-directed therapy (ablation, embolisation) too", c.SSA_BEFORE_LOCOREGIONAL)
    _only_if_planned(draft, earlier, operations + procedures)
    return draft.done(REC, because=main)


def somatostatin_analogue(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    """Long-term SSA: symptom control for a functional tumour (Abstract; Table II Stage I-III line 7), and tumour
    control for inoperable disease (Introduction: "suspension of tumor proliferation")."""
    draft = Draft("somatostatin_analogue")
    syndrome = functional(facts)
    status = disease_status(facts, staging, earlier)
    main, candidate = None, NOT_REC
    if syndrome:
        main = draft.support(
            f"{functional_text(facts)}: somatostatin analogues are of high importance for symptom control",
            c.SSA_SYMPTOM_CONTROL,
            c.SSA_SYNDROME_CONTROL,
        )
        candidate = REC
    if status.inoperable and staging.grade != "NEC":
        aim = draft.support(_inoperable_text(status), c.INOPERABLE_AIMS)
        main = main if main is not None else aim
        candidate = REC if syndrome else CONSIDER
    elif not syndrome:
        # With the syndrome unknown these are reasons against, not a verdict: unknown is never read as "no".
        against = draft.exclude if syndrome is False else draft.oppose
        if staging.grade == "NEC" and status.inoperable:
            against(
                "Neuroendocrine carcinoma without carcinoid syndrome: tumour control is by systemic treatment (see "
                "systemic therapy)",
                c.LIVER_RESECTION_FACTORS,
            )
        elif status.curative_plan:
            against(
                "A curative operation is recommended: neoadjuvant and adjuvant treatment show no benefit",
                c.STAGE_I_III_13,
            )
        elif status.present is False:
            against("No residual disease after resection: lifelong follow-up", c.FOLLOW_UP)
        elif status.present and staging.m == "M0":
            against(
                "Localised disease whose resection is still to be considered (see primary resection): long-term "
                "analogues are for symptom control or inoperable disease",
                c.STAGE_I_III_13,
                c.INOPERABLE_AIMS,
            )
        else:
            against(
                "Whether disease remains is not fully recorded (metastatic status, resection of the primary): "
                "long-term analogues are for symptom control or inoperable disease",
                c.INOPERABLE_AIMS,
            )
            draft.ask(unknown_m_fields(facts), favourable=CONSIDER)
    if syndrome is None:
        main = (
            draft.unknown(
                unknown_syndrome_fields(facts),
                "somatostatin analogues are of high importance for symptom control",
                c.SSA_SYMPTOM_CONTROL,
                subject="Carcinoid syndrome or urine 5-HIAA",
                adverse=candidate,
                favourable=REC,
            )
            if main is None
            else main
        )
        candidate = CONSIDER
    return draft.done(candidate, because=main)


def _inoperable_text(status) -> str:
    return (
        f"{sentence_case(status.description)}, with no curative operation recommended: for inoperable cases, "
        "hormone symptom control and suspension of tumour proliferation should be among the therapeutic aims"
    )


def adjuvant_therapy(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("adjuvant_therapy")
    if staging.grade == "NEC":
        draft.exclude(
            "Neuroendocrine carcinoma: systemic treatment around the resection is weighed under systemic therapy",
            c.G3_NO_UPFRONT_SURGERY,
        )
    if liver_metastases(facts):
        draft.exclude(
            "Liver metastases: neither neoadjuvant nor adjuvant chemotherapy improves outcomes", c.ADJUVANT_METASTATIC
        )
    if staging.m != "M1" and staging.grade != "NEC":
        setting = "Curative setting" if staging.m == "M0" else "If the disease is localised"
        draft.exclude(
            f"{setting}: neoadjuvant and adjuvant treatment do not seem to have any benefit in patients eligible "
            "for curative surgery",
            c.STAGE_I_III_13,
        )
    if not draft.excluded:
        draft.exclude(
            f"Distant metastases outside the liver ({', '.join(outside_liver(facts)) or 'perihilar nodes'}): "
            "neoadjuvant and adjuvant treatment have shown no benefit around surgery; systemic treatment is "
            "weighed under systemic therapy",
            c.STAGE_I_III_13,
        )
    return draft.done(NOT_REC)


def systemic_therapy(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("systemic_therapy")
    high = high_grade(staging)
    status = disease_status(facts, staging, earlier)
    extrahepatic = facts.extrahepatic
    main, candidate = None, NOT_REC
    if extrahepatic.progressive:
        main = draft.support(
            "Progressive disease with extrahepatic lesions: systemic treatment should be administered", c.STAGE_IV_4
        )
        candidate = REC
    if high and (staging.m == "M1" or status.inoperable):
        where = "distant metastases" if staging.m == "M1" else status.description
        reason = draft.support(
            f"Grade {staging.grade} with {where}: no upfront surgery because of the high risk of recurrence; "
            "hepatectomy is debatable in grade 3",
            c.G3_NO_UPFRONT_SURGERY,
            c.G3_HEPATECTOMY_DEBATABLE,
        )
        return draft.done(REC, because=main if main is not None else reason)
    if candidate == REC:
        return draft.done(REC, because=main)
    if high and staging.grade == "NEC" and staging.m == "M0":
        main = draft.support(
            "Localised neuroendocrine carcinoma: a high risk of recurrence; weigh systemic treatment together with "
            "the resection (see primary resection)",
            c.G3_NO_UPFRONT_SURGERY,
        )
        return draft.done(CONSIDER, because=main)
    if high and staging.m == "M0":
        draft.exclude(
            "Localised grade G3 NET for curative resection: neoadjuvant and adjuvant treatment do not seem to have "
            "any benefit in patients eligible for curative surgery",
            c.STAGE_I_III_13,
        )
        return draft.done(NOT_REC)
    if high:  # M unknown
        main = draft.unknown(
            unknown_m_fields(facts),
            f"grade {staging.grade} with distant metastases calls for systemic treatment",
            c.G3_NO_UPFRONT_SURGERY,
            subject="Metastatic status",
            adverse=CONSIDER,
            favourable=REC,
        )
        return draft.done(CONSIDER, because=main)
    # G1/G2, or grade unknown.
    if high is None and status.present is not False:
        main = draft.unknown(
            GRADE_FIELDS,
            "a G3 tumour or neuroendocrine carcinoma with distant metastases calls for systemic therapy",
            c.G3_NO_UPFRONT_SURGERY,
            subject="Grade",
            favourable=REC,
        )
        candidate = CONSIDER
    if status.inoperable:
        aim = draft.support(_inoperable_text(status), c.INOPERABLE_AIMS)
        main = main if main is not None else aim
        if extrahepatic.progressive is None and (outside_liver(facts) or extrahepatic.perihilar_nodes_only):
            draft.unknown(
                "extrahepatic.progressive",
                "systemic treatment should be administered in progressive disease with extrahepatic lesions",
                c.STAGE_IV_4,
                subject="Progression",
                adverse=CONSIDER,
                favourable=REC,
                caps=False,
            )
        return draft.done(CONSIDER, because=main)
    # With the grade unknown these are reasons against, not a verdict: a G3/NEC would change it.
    against = draft.oppose if candidate == CONSIDER else draft.exclude
    grade_text = f"Grade {staging.grade}" if staging.grade else "If the grade is G1/G2"
    first = planned(earlier, (*ABDOMINAL_OPERATIONS, "liver_transplant", *LIVER_DIRECTED))
    if first:
        against(
            f"{grade_text} and no progressive extrahepatic disease: {titles_of(first[:2])} "
            f"{'comes' if len(first) == 1 else 'come'} first",
            c.STAGE_IV_4,
        )
    elif status.present is False:
        against("No residual disease after resection: lifelong follow-up", c.FOLLOW_UP)
    else:
        against(
            f"{grade_text} and no progressive extrahepatic disease: no indication for systemic treatment",
            c.STAGE_IV_4,
        )
    return draft.done(candidate, because=main)
