"""Liver transplantation (seed 000, Liver transplantation: Mazzaferro criteria i-vii (ref 78), ENETS/Pavel
criteria i-vi (ref 70), exclusions (ref 40), refs 75 and 79).
"""

from __future__ import annotations

from .. import citations as c
from ..assessment import Recommendation
from ..facts import CaseFacts
from ..guideline import Guideline
from ..staging import Staging, peritoneal_disease
from .common import (
    CONSIDER,
    GRADE_FIELDS,
    REC,
    Draft,
    Earlier,
    high_grade,
    no_liver_metastases,
    percent,
    unfit,
)


def liver_transplant(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    draft = Draft("liver_transplant")
    if (early := no_liver_metastases(draft, facts)) is not None:
        return early
    primary, pathology, liver = facts.primary, facts.pathology, facts.liver
    extrahepatic, patient, heart = facts.extrahepatic, facts.patient, facts.heart

    # Tumour biology first: it excludes whatever else is true.
    if pathology.small_cell:
        draft.exclude("Small cell tumour: excluded from transplantation", c.TRANSPLANT_EXCLUSIONS)
    if high_grade(staging):
        draft.exclude(
            f"Grade {staging.grade}: transplantation needs a well-differentiated G1/G2 tumour",
            c.MAZZAFERRO,
            c.TRANSPLANT_EXCLUSIONS,
        )
    elif staging.grade is None:
        draft.unknown(
            GRADE_FIELDS, "transplantation needs a well-differentiated G1/G2 tumour", c.MAZZAFERRO, subject="Grade"
        )
    elif pathology.differentiation is None:
        draft.unknown("pathology.differentiation", "transplantation needs a well-differentiated tumour", c.MAZZAFERRO)
    ki67, ki67_limit = pathology.ki67_percent, guideline.transplant_max_ki67
    if ki67 is None:
        draft.unknown(
            "pathology.ki67_percent",
            f"transplantation needs Ki-67 below {percent(ki67_limit)}",
            c.MAZZAFERRO,
            subject="Ki-67",
        )
    elif ki67 >= ki67_limit:
        draft.exclude(
            f"Ki-67 {percent(ki67)}: transplantation needs Ki-67 below {percent(ki67_limit)} (Mazzaferro ii; "
            "ENETS 'low Ki-67')",
            c.MAZZAFERRO,
            c.ENETS_TRANSPLANT,
        )
    else:
        draft.support(f"Ki-67 {percent(ki67)}: below {percent(ki67_limit)}", c.MAZZAFERRO)

    # Disease outside the liver: Mazzaferro iv "absence or complete resection of extrahepatic lesions";
    # ENETS ii "absence of extrahepatic disease by PET/CT"; ref 40 excepts perihilar lymph nodes.
    for path, label, value in (
        ("extrahepatic.peritoneal", "Peritoneal disease", peritoneal_disease(extrahepatic)),
        ("extrahepatic.extra_abdominal", "Extra-abdominal disease", extrahepatic.extra_abdominal),
    ):
        if value:
            draft.exclude(
                f"{label}: extrahepatic metastases exclude transplantation",
                c.TRANSPLANT_EXCLUSIONS,
                c.ENETS_TRANSPLANT,
            )
        elif value is None:
            draft.unknown(
                path, "extrahepatic metastases exclude transplantation", c.TRANSPLANT_EXCLUSIONS, subject=label
            )
    if primary.resected and primary.margin == "R2":
        draft.exclude(
            "Primary resected R2: macroscopic residual disease outside the liver; transplantation needs "
            "extrahepatic lesions absent or completely resected (Mazzaferro iv) and no extrahepatic disease "
            "(ENETS ii)",
            c.MAZZAFERRO,
            c.ENETS_TRANSPLANT,
        )
    if extrahepatic.perihilar_nodes_only:
        draft.limit(
            "Perihilar lymph nodes: excepted from the exclusions, but ENETS asks for no extrahepatic disease on PET/CT",
            c.TRANSPLANT_EXCLUSIONS,
            c.ENETS_TRANSPLANT,
        )
    elif extrahepatic.perihilar_nodes_only is None:
        draft.unknown(
            "extrahepatic.perihilar_nodes_only",
            "ENETS asks for no extrahepatic disease on PET/CT",
            c.ENETS_TRANSPLANT,
            subject="Perihilar lymph nodes",
            adverse=CONSIDER,
        )

    # The patient.
    if patient.major_comorbidity:
        draft.exclude("Major comorbidity: excluded from transplantation", c.TRANSPLANT_EXCLUSIONS)
    elif patient.major_comorbidity is None:
        draft.unknown("patient.major_comorbidity", "it excludes transplantation", c.TRANSPLANT_EXCLUSIONS)
    if unfit(facts, guideline):
        draft.exclude(
            f"ECOG performance status {patient.ecog}: not fit for transplantation",
            c.TRANSPLANT_EXCLUSIONS,
            c.STAGE_IV_3C,
        )
    if heart.carcinoid_heart_disease in ("mild", "advanced"):
        draft.exclude(
            f"Carcinoid heart disease ({heart.carcinoid_heart_disease}): excluded from transplantation",
            c.TRANSPLANT_EXCLUSIONS,
        )
    elif heart.carcinoid_heart_disease is None:
        draft.unknown("heart.carcinoid_heart_disease", "it excludes transplantation", c.TRANSPLANT_EXCLUSIONS)
    if heart.right_heart_failure:
        draft.exclude(
            "Right heart failure: excluded, as for any liver surgery", c.ENETS_LIVER_RESECTION, c.TRANSPLANT_EXCLUSIONS
        )
    if primary.portal_venous_drainage is False:
        draft.exclude("The primary does not drain into the portal vein", c.MAZZAFERRO, c.TRANSPLANT_EXCLUSIONS)
    elif primary.portal_venous_drainage is None:
        draft.unknown(
            "primary.portal_venous_drainage",
            "the portal vein must drain the primary",
            c.MAZZAFERRO,
            subject="Portal venous drainage of the primary",
        )

    # The liver disease.
    involvement, involvement_limit = liver.involvement_percent, guideline.transplant_max_liver_involvement_percent
    if involvement is None:
        draft.unknown(
            "liver.involvement_percent",
            f"transplantation needs less than {percent(involvement_limit)}",
            c.MAZZAFERRO,
            subject="Share of liver volume involved",
        )
    elif involvement >= involvement_limit:
        draft.exclude(
            f"{percent(involvement)} of the liver involved: transplantation needs less than "
            f"{percent(involvement_limit)}",
            c.MAZZAFERRO,
        )
    else:
        draft.support(f"{percent(involvement)} of the liver involved: below {percent(involvement_limit)}", c.MAZZAFERRO)
    stable, months = liver.stable_months, guideline.transplant_min_stable_months
    if stable is None:
        draft.unknown(
            "liver.stable_months",
            f"transplantation needs at least {months} months under treatment",
            c.MAZZAFERRO,
            subject="Duration of stable disease",
        )
    elif stable < months:
        draft.exclude(
            f"Stable for {stable} months: transplantation needs at least {months} months of stable disease under "
            "treatment",
            c.MAZZAFERRO,
        )
    else:
        draft.support(f"Stable for {stable} months: at least {months}", c.MAZZAFERRO)
    share = liver.resectable_percent
    if share is None:
        draft.unknown(
            "liver.resectable_percent",
            "transplantation is for unresectable metastases",
            c.TRANSPLANT_UNRESECTABLE,
            subject="Resectability of the liver metastases",
        )
    elif share >= 100:
        draft.exclude(
            "Liver metastases resectable: transplantation is for unresectable metastases", c.TRANSPLANT_UNRESECTABLE
        )

    # The primary.
    if primary.site == "unknown":
        draft.limit(
            "Primary not found: not an absolute contraindication, though both criteria sets ask for a previous "
            "resection",
            c.UNKNOWN_PRIMARY_TRANSPLANT,
            c.MAZZAFERRO,
        )
    elif primary.resected is False:
        draft.exclude(
            "Primary not resected: both criteria sets require previous resection of the primary",
            c.MAZZAFERRO,
            c.ENETS_TRANSPLANT,
        )
    elif primary.resected is None:
        draft.unknown(
            "primary.resected",
            "both criteria sets require it",
            c.MAZZAFERRO,
            subject="Previous resection of the primary",
        )
    elif primary.margin == "R1":
        draft.limit(
            "Primary resected with an R1 margin: Mazzaferro asks for a previous R0 resection, ENETS for a previous "
            "resection",
            c.MAZZAFERRO,
            c.ENETS_TRANSPLANT,
        )
    elif primary.margin is None:
        draft.unknown(
            "primary.margin",
            "Mazzaferro asks for a previous R0 resection",
            c.MAZZAFERRO,
            subject="Margin of the primary resection",
        )
    elif primary.margin == "R0":
        draft.support("Primary previously resected R0", c.MAZZAFERRO)

    age, mazzaferro, enets = patient.age, guideline.transplant_relative_age_limit, guideline.transplant_enets_age_limit
    if age is None:
        draft.unknown(
            "patient.age",
            f"Mazzaferro prefers under {mazzaferro}, ENETS under {enets}",
            c.MAZZAFERRO,
            c.ENETS_TRANSPLANT,
            adverse=CONSIDER,
        )
    elif age >= mazzaferro:
        draft.limit(
            f"Age {age}: {mazzaferro} or older is a relative contraindication (Mazzaferro); ENETS asks for under "
            f"{enets}",
            c.MAZZAFERRO,
            c.ENETS_TRANSPLANT,
        )
    elif age >= enets:
        draft.limit(
            f"Age {age}: meets Mazzaferro (under {mazzaferro}) but not ENETS (under {enets})",
            c.MAZZAFERRO,
            c.ENETS_TRANSPLANT,
        )
    else:
        draft.support(f"Age {age}: under {enets}", c.ENETS_TRANSPLANT)

    main = None
    if not draft.excluded:
        main = draft.support(
            "Unresectable liver metastases in a patient meeting the recorded transplantation criteria: an "
            "alternative option",
            c.TRANSPLANT_UNRESECTABLE,
        )
        draft.note(
            "Only for strictly selected patients at a specialised centre (transplant mortality <10%); the criteria "
            "are under validation; explorative laparotomy or laparoscopy may be needed to exclude peritoneal "
            "disease",
            c.TRANSPLANT_EXCLUSIONS,
            c.ENETS_TRANSPLANT,
        )
    return draft.done(REC, because=main)
