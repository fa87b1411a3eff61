"""Peritoneal carcinomatosis: cytoreductive surgery and HIPEC (seed 000, Diffuse Peritoneal Carcinomatosis:
refs 55, 81-85).
"""

from __future__ import annotations

from .. import citations as c
from ..assessment import Recommendation
from ..facts import CaseFacts
from ..guideline import Guideline
from ..staging import Staging, peritoneal_disease
from .common import CONSIDER, GRADE_FIELDS, NOT_REC, Draft, Earlier, high_grade, unfit


def peritoneal_cytoreduction(
    facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier
) -> Recommendation:
    draft = Draft("peritoneal_cytoreduction")
    peritoneal = peritoneal_disease(facts.extrahepatic)
    if peritoneal is False:
        draft.exclude("No peritoneal carcinomatosis: not applicable")
        return draft.done(NOT_REC)
    if peritoneal is None:
        draft.exclude("Peritoneal disease not recorded: cytoreduction cannot be assessed")
        draft.ask("extrahepatic.peritoneal", favourable=CONSIDER)
        return draft.done(NOT_REC)
    high = high_grade(staging)
    if high:
        draft.exclude(
            f"Grade {staging.grade}: no upfront surgery for metastatic disease because of the high risk of recurrence",
            c.G3_NO_UPFRONT_SURGERY,
        )
    elif high is None:
        draft.unknown(
            GRADE_FIELDS,
            "G3 tumours and neuroendocrine carcinomas with metastases should not have upfront surgery",
            c.G3_NO_UPFRONT_SURGERY,
            subject="Grade",
        )
    patient, heart = facts.patient, facts.heart
    if unfit(facts, guideline):
        draft.exclude(
            f"ECOG performance status {patient.ecog}: an extended operation is for fit patients",
            c.FIT_PATIENTS,
            c.STAGE_IV_3C,
        )
    if heart.right_heart_failure:
        draft.exclude("Right heart failure: an extended operation is for fit patients", c.FIT_PATIENTS)
    if heart.carcinoid_heart_disease == "advanced":
        draft.exclude(
            "Advanced carcinoid heart disease: an extended operation carries a high risk (see cardiology assessment)",
            c.CRITERION_IX,
            c.CARDIAC_WORKUP,
        )
    if patient.major_comorbidity:
        draft.oppose(
            "Major comorbidity: weigh the risk of an extended operation; surgery is for fit patients", c.FIT_PATIENTS
        )
    pci, limit = facts.extrahepatic.pci, guideline.pci_max
    if pci is None:
        draft.unknown(
            "extrahepatic.pci",
            f"operate only when low residual disease is anticipated (PCI below {limit})",
            c.PCI_LIMIT,
            subject="Peritoneal carcinomatosis index (PCI)",
        )
    elif pci >= limit:
        draft.exclude(
            f"PCI {pci}: a low completeness-of-cytoreduction score is not to be expected at PCI {limit} or more",
            c.PCI_LIMIT,
        )
    else:
        draft.support(
            f"PCI {pci} (below {limit}): a low completeness-of-cytoreduction score can be anticipated", c.PCI_LIMIT
        )
    main = draft.support(
        "Surgery for peritoneal carcinomatosis remains debatable, but may prevent bowel obstruction, mesenteric "
        "fibrosis, bleeding and portal hypertension",
        c.PC_SURGERY_DEBATABLE,
        c.PC_COMPLICATIONS,
    )
    draft.note(
        "Report completeness of cytoreduction (CCR-0 none visible, CCR-1 <2.5 mm, CCR-2 2.5 mm-2.5 cm, CCR-3 "
        ">2.5 cm): it is the main prognostic factor",
        c.CCR,
    )
    # Never more than an option: "Surgical intervention in PC due to NETs remains debatable (81, 82)".
    return draft.done(CONSIDER, because=main)


def hipec(facts: CaseFacts, guideline: Guideline, staging: Staging, earlier: Earlier) -> Recommendation:
    """HIPEC is applied after cytoreduction; its main limitation is the tumour's low proliferative rate (ref 85)."""
    draft = Draft("hipec")
    if earlier["peritoneal_cytoreduction"].verdict == NOT_REC:
        draft.exclude(
            "No cytoreductive surgery is planned (see cytoreduction): HIPEC is only applied after it",
            c.HIPEC_BENEFIT,
        )
        return draft.done(NOT_REC)
    grade = f"Grade {staging.grade}: " if staging.grade in ("G1", "G2") else ""
    draft.exclude(
        f"{grade}chemotherapy acts against tumours with a low proliferative rate, the main limitation of HIPEC "
        "in si-NENs",
        c.HIPEC_LIMIT,
    )
    draft.support(
        "HIPEC may improve survival by eradicating small peritoneal lesions after an extended cytoreduction",
        c.HIPEC_BENEFIT,
    )
    draft.oppose("It adds morbidity and mortality when given with another major operation", c.HIPEC_RISK)
    return draft.done(NOT_REC)
