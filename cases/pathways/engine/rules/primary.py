"""The primary tumour: its resection (or re-resection after R2), the extent of the operation, laparoscopy and
a cholecystectomy at the same operation (seed 000: Locoregional Enterectomy, Surgical Procedure, Mesenteric
Lymph Node Metastases, Asymptomatic Primary Tumor; Table II Stage I-III and Stage IV line 3).
"""

from __future__ import annotations

from .. import citations as c
from ..assessment import Recommendation, Verdict
from ..facts import CaseFacts
from ..guideline import Guideline
from ..staging import Staging, cm
from .common import (
    ABDOMINAL_OPERATIONS,
    CONSIDER,
    GRADE_FIELDS,
    NOT_REC,
    REC,
    SITE_TEXT,
    TITLES,
    Draft,
    Earlier,
    best_verdict,
    high_grade,
    joined,
    liver_metastases,
    planned,
    unfit,
    unknown_m_fields,
    weaker,
)


def _nodes_text(guideline: Guideline) -> str:
    text = f"Dissect at least {guideline.lymph_node_min} lymph nodes"
    return text if guideline.lymph_node_min == 12 else f"{text} (some authors use 12)"


def _fitness(draft: Draft, facts: CaseFacts, guideline: Guideline, staging: Staging) -> None:
    """Limit major abdominal surgery for an unfit patient or a failing heart ("fit patients"; Stage IV 3c)."""
    patient, heart = facts.patient, facts.heart
    if unfit(facts, guideline):
        draft.limit(
            f"ECOG performance status {patient.ecog}: surgery is for fit patients; weigh performance status "
            "against the anticipated benefit and individualise",
            c.FIT_PATIENTS,
            c.STAGE_IV_3C,
        )
    elif patient.ecog is None:
        # Deliberately informational (does not cap): the seed weighs performance status without a cut-off.
        draft.unknown(
            "patient.ecog",
            "surgery is for fit patients; performance status is weighed against the anticipated benefit",
            c.FIT_PATIENTS,
            c.STAGE_IV_3C,
            subject="ECOG performance status",
            adverse=CONSIDER,
            caps=False,
        )
    elif staging.m == "M1":
        draft.note(f"ECOG performance status {patient.ecog}: weigh it against the anticipated benefit", c.STAGE_IV_3C)
    if patient.major_comorbidity:
        draft.limit("Major comorbidity: surgery is advised for fit patients", c.FIT_PATIENTS)
    elif patient.major_comorbidity is None:
        draft.unknown(
            "patient.major_comorbidity", "surgery is advised for fit patients", c.FIT_PATIENTS, adverse=CONSIDER
        )
    if heart.right_heart_failure:
        draft.limit(
            "Right heart failure: a high operative risk; surgery is for fit patients (see cardiology assessment)",
            c.FIT_PATIENTS,
            c.CARDIAC_WORKUP,
        )
    if heart.carcinoid_heart_disease == "advanced":
        draft.limit(
            "Advanced carcinoid heart disease: a high operative risk (see cardiology assessment)",
            c.CRITERION_IX,
            c.CARDIAC_WORKUP,
        )


def _mesentery(draft: Draft, facts: CaseFacts, staging: Staging, symptomatic: bool | None) -> None:
    """Apply ref 28's nodal stages: only stage 4 is inoperable; surgery may still relieve symptoms (ref 36)."""
    stage = facts.nodes.mesenteric_stage
    if stage == 4:
        text = (
            "Mesenteric nodal stage 4: not radically resectable, as optimal lymphadenectomy would endanger the "
            "blood supply of the remaining bowel"
        )
        if symptomatic:
            draft.limit(text, c.MESENTERIC_STAGE_IV)
            draft.support("Symptomatic: surgery may still alleviate symptoms", c.MESENTERIC_R0_FEASIBLE)
        elif symptomatic is None:
            draft.limit(text, c.MESENTERIC_STAGE_IV)
            draft.unknown(
                "primary.symptomatic",
                "surgery may still alleviate symptoms",
                c.MESENTERIC_R0_FEASIBLE,
                subject="Symptoms",
            )
        else:
            draft.exclude(text, c.MESENTERIC_STAGE_IV)
            draft.note("Asymptomatic: no palliative indication")
    elif stage is not None:
        draft.support(f"Mesenteric nodal stage {stage}: operable (only stage 4 is inoperable)", c.MESENTERIC_STAGE_IV)
    elif staging.n != "N0":
        # Deliberately not capping: the seed presumes resectability (R0 in 80%) unless stage 4 is shown.
        draft.unknown(
            "nodes.mesenteric_stage",
            "only stage 4 is inoperable and R0 resection of primary and nodes is feasible in 80%; assess the "
            "vessels on CT or MR angiography",
            c.MESENTERIC_STAGE_IV,
            c.MESENTERIC_R0_FEASIBLE,
            subject="Mesenteric nodal stage",
            caps=False,
        )


def primary_resection(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("primary_resection")
    primary = facts.primary
    if primary.resected:
        return _after_resection(draft, facts, guideline, staging)
    if primary.resected is None:
        draft.unknown(
            "primary.resected",
            "this applies only to a primary in place",
            subject="Whether the primary has already been resected",
        )
    if primary.site == "unknown":
        draft.limit(
            "Primary tumour not found: inspection and palpation of the whole small bowel at laparotomy can "
            "pinpoint otherwise undetectable tumours",
            c.WHOLE_BOWEL,
        )
    emergency = primary.emergency_presentation is True
    symptomatic = True if emergency else primary.symptomatic
    nodes_text = _nodes_text(guideline)

    # What the setting asks for (Table II Stage I-III line 1; Stage IV lines 3a-3c; General principles 4).
    candidate, main = CONSIDER, None
    if emergency:
        main = draft.support(
            "Emergency presentation (obstruction, perforation or bleeding): resection of the symptomatic primary "
            "and of its mesenteric nodes should be performed",
            c.STAGE_IV_3B,
            c.EARLY_SURGERY,
        )
        candidate = REC
    if staging.m == "M0":
        localised = draft.support(
            f"Localised disease ({staging.t} {staging.n} M0, "
            f"{f'stage {staging.stage}' if staging.stage else 'stage not determined'}): curative resection with "
            "lymphadenectomy across the mesenteric vessels",
            c.STAGE_I_III_RESECTION,
            c.ONLY_CURATIVE,
        )
        main = main if main is not None else localised
        candidate = REC
        if symptomatic is False:
            draft.support(
                "Absence of symptoms is no contraindication; early surgery may prevent emergency surgery",
                c.ASYMPTOMATIC,
                c.EARLY_SURGERY,
            )
    elif staging.m == "M1" and not emergency:
        if liver_metastases(facts) and earlier["liver_resection"].verdict == REC:
            main = draft.support(
                "Curative resection of the liver metastases is recommended (see liver resection): oncological "
                "surgery of the primary should also be performed",
                c.STAGE_IV_3A,
            )
            candidate = REC
        elif symptomatic:
            main = draft.support(
                "Symptomatic primary with distant metastases: palliative resection of the primary and radical "
                "resection of the mesenteric lymph node metastases should be performed",
                c.STAGE_IV_3B,
            )
            candidate = REC
        else:
            main = draft.support(
                "Distant metastases without a curative resection of them: primary resection may still improve "
                "survival (meta-analysis) and prevents ischaemia, obstruction and perforation",
                c.GENERAL_4,
                c.OPTIMAL_SURGERY_EVEN_METASTATIC,
            )
            if symptomatic is None:
                draft.unknown(
                    "primary.symptomatic",
                    "a symptomatic primary should be resected",
                    c.STAGE_IV_3B,
                    subject="Symptoms from the primary",
                    favourable=REC,
                    caps=False,
                )
            elif liver_metastases(facts):
                draft.note(
                    "Asymptomatic primary with liver metastases not resected for cure: resection is debatable; a "
                    "meta-analysis showed an overall-survival benefit",
                    c.ASYMPTOMATIC_UNRESECTABLE_LIVER,
                )
            else:
                draft.support("Absence of symptoms is no contraindication", c.ASYMPTOMATIC)
    elif staging.m is None and not emergency:
        if symptomatic:
            main = draft.support(
                "Symptomatic primary: it should be resected with or without distant metastases",
                c.STAGE_I_III_RESECTION,
                c.STAGE_IV_3B,
            )
        else:
            draft.unknown(
                unknown_m_fields(facts),
                "resection is recommended for localised disease and depends on liver resectability and symptoms "
                "with distant metastases",
                c.STAGE_I_III_RESECTION,
                c.STAGE_IV_3A,
                subject="Metastatic status (liver, peritoneum, extra-abdominal sites, perihilar nodes)",
                adverse=CONSIDER,
            )
            if symptomatic is None:
                draft.ask("primary.symptomatic", adverse=CONSIDER, favourable=REC)
        candidate = REC

    # Grade. Criterion v ("no upfront surgery", refs 10, 54) belongs to surgery for metastatic disease; stage
    # I-III disease "should undergo curative resection" (Table II Stage I-III line 1), "the only curative
    # approach" (ref 16), so a localised G3 NET is resected and a localised NEC is at least considered.
    high = high_grade(staging)
    if high and staging.m == "M1":
        text = (
            f"Grade {staging.grade} with distant metastases: no upfront surgery because of the high risk of recurrence"
        )
        if emergency:
            draft.oppose(f"{text}; the emergency outranks this caution for elective surgery", c.G3_NO_UPFRONT_SURGERY)
        else:
            main = None  # the grade decides
            if symptomatic:
                draft.limit(
                    f"{text}; palliative resection of the symptomatic primary is weighed against it",
                    c.G3_NO_UPFRONT_SURGERY,
                    c.STAGE_IV_3B,
                )
            elif symptomatic is None:
                draft.limit(
                    f"{text}; only a symptomatic primary may need palliative resection",
                    c.G3_NO_UPFRONT_SURGERY,
                    c.STAGE_IV_3B,
                )
                draft.ask("primary.symptomatic")
            else:
                draft.exclude(f"{text}; the primary causes no symptoms", c.G3_NO_UPFRONT_SURGERY)
    elif high and staging.m == "M0":
        if staging.grade == "NEC":
            draft.limit(
                "Localised neuroendocrine carcinoma: resection is the only curative approach, weighed against the "
                "high risk of recurrence of a grade 3 tumour; decide it together with systemic treatment",
                c.ONLY_CURATIVE,
                c.G3_NO_UPFRONT_SURGERY,
            )
        else:
            draft.note(
                "Grade G3 NET: a high risk of recurrence, yet localised disease should undergo curative resection; "
                "the caution against upfront surgery concerns metastatic disease",
                c.STAGE_I_III_RESECTION,
                c.G3_NO_UPFRONT_SURGERY,
            )
    elif high:
        draft.note(
            f"Grade {staging.grade}: with distant metastases, no upfront surgery because of the high risk of "
            "recurrence",
            c.G3_NO_UPFRONT_SURGERY,
        )
    elif high is None:
        localised = staging.m == "M0"
        if localised:
            why = "a localised neuroendocrine carcinoma is weighed against its high risk of recurrence"
        elif emergency:
            # R7: the emergency outranks the caution, so the unknown grade cannot lower the verdict.
            why = (
                "in an emergency the caution against upfront surgery for G3 tumours and neuroendocrine carcinomas "
                "with distant metastases does not stop the operation"
            )
        else:
            why = "G3 tumours and neuroendocrine carcinomas with distant metastases should not have upfront surgery"
        draft.unknown(
            GRADE_FIELDS,
            why,
            c.G3_NO_UPFRONT_SURGERY,
            subject="Grade",
            adverse=CONSIDER if localised or emergency else NOT_REC,
            caps=not localised and not emergency,
        )
    else:
        draft.support(f"Grade {staging.grade}: no grade objection to upfront surgery", c.G3_NO_UPFRONT_SURGERY)

    _mesentery(draft, facts, staging, symptomatic)
    _fitness(draft, facts, guideline, staging)
    if facts.patient.family_history:
        draft.support("Family history of si-NEN: an aggressive surgical approach is advised", c.FAMILY_HISTORY)
    if primary.multifocal:
        draft.note("Multifocal disease: inspect and palpate the whole small bowel", c.WHOLE_BOWEL)
    if not draft.excluded and staging.m is not None:
        draft.note(nodes_text, c.LYMPH_NODES_MIN)
    return draft.done(candidate, because=main)


def _after_resection(draft: Draft, facts: CaseFacts, guideline: Guideline, staging: Staging) -> Recommendation:
    """Judge a re-resection: only an R2 resection leaves residual (nodal) disease to resect (ref 14)."""
    margin = facts.primary.margin
    if margin in ("R0", "R1"):
        draft.exclude(f"Primary already resected ({margin}): no further resection of the primary")
        if margin == "R1":
            draft.note(
                "An R1 margin leaves microscopic disease only; R0/R1 resection of the primary gives survival and "
                "quality-of-life benefit",
                c.R0_R1_PRIMARY,
            )
        return draft.done(NOT_REC)
    if margin is None:
        draft.exclude(
            "Primary already resected, margin not recorded: re-resection arises only after an R2 resection "
            "(macroscopic residual disease)",
            c.RESIDUAL_NODES,
        )
        draft.ask("primary.margin", favourable=CONSIDER)
        return draft.done(NOT_REC)
    main = draft.support(
        "Primary resected R2: residual metastatic lymph node disease may cause mesenteric ischaemia or recurrent "
        "obstruction, so re-resection of the residual disease is to be considered",
        c.RESIDUAL_NODES,
    )
    emergency = facts.primary.emergency_presentation is True
    symptomatic = True if emergency else facts.primary.symptomatic
    if high_grade(staging) and staging.m == "M1" and not emergency:
        draft.exclude(
            f"Grade {staging.grade} with distant metastases: no upfront surgery because of the high risk of recurrence",
            c.G3_NO_UPFRONT_SURGERY,
        )
    _mesentery(draft, facts, staging, symptomatic)
    _fitness(draft, facts, guideline, staging)
    return draft.done(CONSIDER, because=main)


def _bulky(facts: CaseFacts, guideline: Guideline) -> tuple[bool | None, list[str], tuple[str, ...]]:
    """Return whether a terminal-ileum primary is >1 cm or has bulky nodes, the facts behind it, unknown paths."""
    size, mass = facts.primary.size_cm, facts.nodes.mass_cm
    found, unknown_text, unknown_paths = [], [], []
    if size is None:
        unknown_text.append("primary size")
        unknown_paths.append("primary.size_cm")
    elif size > guideline.icv_size_cm:
        found.append(f"primary {cm(size)} cm (>{cm(guideline.icv_size_cm)} cm)")
    if mass is None:
        unknown_text.append("mesenteric mass size")
        unknown_paths.append("nodes.mass_cm")
    elif mass > guideline.n2_mass_cm:
        found.append(f"bulky mesenteric mass {cm(mass)} cm (>{cm(guideline.n2_mass_cm)} cm)")
    if found:
        return True, found, ()
    if unknown_text:
        return None, unknown_text, tuple(unknown_paths)
    mass_text = "no mesenteric mass" if not mass else f"mesenteric mass {cm(mass)} cm"
    return (
        False,
        [f"primary {cm(size)} cm (≤{cm(guideline.icv_size_cm)} cm) and {mass_text} (≤{cm(guideline.n2_mass_cm)} cm)"],  # type: ignore[arg-type]
        (),
    )


def _primary_gate(draft: Draft, facts: CaseFacts, earlier: Earlier) -> Verdict | None:
    """Return the verdict of the resection of a primary in place, or ``None`` after saying none is planned."""
    if facts.primary.resected:
        draft.exclude("The primary has already been resected: this concerns the operation on the primary")
        return None
    verdict = earlier["primary_resection"].verdict
    if verdict == NOT_REC:
        draft.exclude("No resection of the primary is planned (see primary resection): not applicable")
        return None
    return verdict


def _unplaced_site(draft: Draft, site: str | None, adverse: Verdict) -> Recommendation | None:
    if site is None:
        draft.unknown(
            "primary.site",
            "this depends on whether the primary lies in the terminal ileum",
            c.SITE_DECIDES_PROCEDURE,
            adverse=adverse,
            favourable=REC,
        )
        return draft.done(CONSIDER)
    if site == "unknown":
        main = draft.limit(
            "Primary not found: the procedure depends on the site found at exploration", c.SITE_DECIDES_PROCEDURE
        )
        return draft.done(CONSIDER, because=main)
    return None


def _only_if_resected(draft: Draft, gate: Verdict, candidate: Verdict) -> None:
    if gate == CONSIDER and candidate == REC:
        draft.limit("Only if the primary is resected, which is itself to be considered (see primary resection)")


def right_hemicolectomy(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("right_hemicolectomy")
    gate = _primary_gate(draft, facts, earlier)
    if gate is None:
        return draft.done(NOT_REC)
    site = facts.primary.site
    if (early := _unplaced_site(draft, site, NOT_REC)) is not None:
        return early
    if site in ("jejunum", "ileum"):
        draft.exclude(
            f"Primary in the {SITE_TEXT[site]}: segmental small-bowel enterectomy, not a right hemicolectomy",  # type: ignore[index]
            c.SITE_DECIDES_PROCEDURE,
        )
        return draft.done(NOT_REC)
    if site == "duodenum":
        draft.exclude(
            "Duodenal primary: the operation depends on its position in the duodenum, not a right hemicolectomy"
        )
        return draft.done(NOT_REC)
    bulky, found, unknown_paths = _bulky(facts, guideline)
    if bulky:
        main = draft.support(
            f"Terminal-ileum primary with {' and '.join(found)}: the ileocaecal-valve lymphatics are then usually "
            "involved, so a right hemicolectomy should be performed",
            c.ICV_MAPPING,
            c.SITE_DECIDES_PROCEDURE,
        )
        candidate = REC
    elif bulky is None:
        main = draft.unknown(
            unknown_paths,
            "a primary >1 cm or bulky nodes call for a right hemicolectomy",
            c.ICV_MAPPING,
            subject=f"For a terminal-ileum primary, {' and '.join(found)}",
            adverse=CONSIDER,
            favourable=REC,
        )
        candidate = CONSIDER
    else:
        main = draft.support(
            f"Terminal-ileum primary with {found[0]}: valve preservation is suggested; if lymphatic mapping "
            "stains the ileocaecal-valve lymphatics, a right hemicolectomy should be performed",
            c.ICV_MAPPING,
            c.SITE_DECIDES_PROCEDURE,
        )
        draft.note("Lymphatic mapping is not yet standardised", c.MAPPING_NOT_STANDARD)
        candidate = CONSIDER
    _only_if_resected(draft, gate, candidate)
    return draft.done(candidate, because=main)


def ileocecal_valve_preservation(
    facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier
) -> Recommendation:
    draft = Draft("ileocecal_valve_preservation")
    gate = _primary_gate(draft, facts, earlier)
    if gate is None:
        return draft.done(NOT_REC)
    site = facts.primary.site
    if (early := _unplaced_site(draft, site, NOT_REC)) is not None:
        return early
    if site in ("jejunum", "ileum", "duodenum"):
        draft.exclude(
            f"Primary in the {SITE_TEXT[site]}: the ileocaecal valve is not involved, not applicable",  # type: ignore[index]
            c.SITE_DECIDES_PROCEDURE,
        )
        return draft.done(NOT_REC)
    bulky, found, unknown_paths = _bulky(facts, guideline)
    if bulky:
        draft.exclude(
            f"Terminal-ileum primary with {' and '.join(found)}: the valve lymphatics are usually involved, so a "
            "right hemicolectomy rather than valve preservation",
            c.ICV_MAPPING,
        )
        return draft.done(NOT_REC)
    if bulky is None:
        main = draft.unknown(
            unknown_paths,
            "the valve can be preserved only for a primary ≤1 cm without bulky nodes",
            c.ICV_MAPPING,
            subject=f"For a terminal-ileum primary, {' and '.join(found)}",
            favourable=REC,
        )
        candidate = CONSIDER
    else:
        main = draft.support(
            f"Terminal-ileum primary with {found[0]}: preserve the ileocaecal valve if oncologically acceptable "
            "(up to 40% of patients can keep it); the extended resection may otherwise aggravate diarrhoea",
            c.ICV_PRESERVATION,
            c.ICV_DIARRHOEA,
        )
        draft.note(
            "If lymphatic mapping stains the valve lymphatics, perform a right hemicolectomy instead", c.ICV_MAPPING
        )
        candidate = REC
    if facts.syndrome.carcinoid_syndrome:
        draft.support(
            "Carcinoid syndrome: losing the valve reduces postoperative quality of life, a stronger reason to "
            "preserve it",
            c.ICV_PRESERVATION,
        )
    _only_if_resected(draft, gate, candidate)
    return draft.done(candidate, because=main)


def laparoscopic_approach(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("laparoscopic_approach")
    if _primary_gate(draft, facts, earlier) is None:
        return draft.done(NOT_REC)
    if staging.m == "M1":
        draft.exclude("Distant metastases (M1): laparoscopy is only for localised disease", c.LAPAROSCOPY)
    elif staging.m is None:
        draft.exclude(
            "No preoperative evidence of localised disease: metastatic status not fully recorded", c.LAPAROSCOPY
        )
        draft.ask(unknown_m_fields(facts), favourable=CONSIDER)
    mass = facts.nodes.mass_cm
    if mass is None:
        draft.exclude("Absence of tumour masses not established: mesenteric mass size not recorded", c.LAPAROSCOPY)
        draft.ask("nodes.mass_cm", favourable=CONSIDER)
    elif mass > 0:
        draft.exclude(
            f"Mesenteric mass of {cm(mass)} cm: laparoscopy needs the absence of tumour masses", c.LAPAROSCOPY
        )
    if staging.n == "N2":
        draft.exclude("N2 nodal disease: extensive nodal deposits argue for an open operation", c.LAPAROSCOPY)
    if facts.primary.multifocal:
        draft.exclude(
            "Multifocal disease: the whole small bowel must be inspected and palpated with both hands, which "
            "laparotomy allows",
            c.WHOLE_BOWEL,
        )
    elif facts.primary.multifocal is None:
        draft.ask("primary.multifocal")
    if draft.excluded:
        draft.note(
            "Laparotomy is the standard of care: it allows exploration of the peritoneal cavity and mesenteric "
            "vessels and palpation of the small bowel",
            c.LAPAROTOMY_STANDARD,
        )
        return draft.done(NOT_REC)
    main = draft.support(
        f"Localised disease (M0, {staging.n}) without tumour masses: laparoscopy may be considered", c.LAPAROSCOPY
    )
    draft.note("Data on laparoscopic surgery are insufficient, so it is at most an option", c.LAPAROSCOPY_DATA)
    return draft.done(CONSIDER, because=main)


def prophylactic_cholecystectomy(
    facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier
) -> Recommendation:
    """Remove the gallbladder only where long-term SSA or chemoembolisation is foreseen (refs 18, 29; ref 70)."""
    draft = Draft("prophylactic_cholecystectomy")
    operation = best_verdict(earlier, ABDOMINAL_OPERATIONS)
    if operation == NOT_REC:
        draft.exclude("No abdominal operation is recommended or to be considered: not applicable")
        return draft.done(NOT_REC)
    foreseen = planned(earlier, ("somatostatin_analogue", "tae_tace"))
    if not foreseen and liver_metastases(facts):
        # Not planned now, but liver metastases recur in most patients and are then treated with SSA or TACE.
        main = draft.support(
            f"Abdominal operation {'recommended' if operation == REC else 'to be considered'} for liver metastases, "
            "which recur in 70-94% at 5 years, when somatostatin analogues or chemoembolisation may follow: "
            "consider removing the gallbladder at the same operation, as they can cause cholestasis and necrotic "
            "cholecystitis",
            c.LIVER_RECURRENCE,
            c.CHOLECYSTECTOMY,
        )
        return draft.done(CONSIDER, because=main)
    if not foreseen:
        draft.exclude(
            "Neither long-term somatostatin analogues nor chemoembolisation is foreseen: the reason to remove the "
            "gallbladder, the cholestasis and necrotic cholecystitis they can cause, does not apply",
            c.CHOLECYSTECTOMY,
        )
        return draft.done(NOT_REC)
    operations = [code for code in ABDOMINAL_OPERATIONS if earlier[code].verdict == operation]
    therapies = joined(
        {"somatostatin_analogue": "long-term somatostatin analogues", "tae_tace": "chemoembolisation"}[code]
        for code in foreseen
    )
    verb = "recommended" if operation == REC else "to be considered"
    main = draft.support(
        f"Abdominal operation {verb} ({'; '.join(TITLES[code].lower() for code in operations)}) with {therapies} "
        "foreseen: remove the gallbladder at the same operation, unless already removed, because they can cause "
        "cholestasis and necrotic cholecystitis",
        c.CHOLECYSTECTOMY,
    )
    if "tae_tace" in foreseen:
        draft.note("Gallbladder necrosis is one of the major complications of chemoembolisation", c.TACE_GALLBLADDER)
    for code in foreseen:  # what could change the therapy's verdict could change this one
        for item in earlier[code].to_confirm:
            draft.ask(item.field)
    therapy = best_verdict(earlier, foreseen)
    if therapy == CONSIDER and operation == REC:
        draft.note(f"Only if {therapies} will be given, which is itself to be considered")
    # At most as strong as both the operation and the therapy that makes it worthwhile.
    return draft.done(weaker(operation, therapy), because=main)
