"""Guideline parameters: every clinical threshold the engine uses, with the seed's value as default.

Each field carries ``metadata`` with ``unit``, ``help`` and ``citation`` so that an admin screen (and a
``GuidelineVersion`` model) can be generated from this class. The comparison each threshold is used with
(strict or inclusive) is fixed by the seed's wording and stated in ``help``; only the number is editable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

BUILTIN_VERSION = "builtin-seed-2018"


def _param(default: Any, unit: str, help: str, citation: str) -> Any:
    return field(default=default, metadata={"unit": unit, "help": help, "citation": citation})


@dataclass(frozen=True, slots=True)
class Guideline:
    """Thresholds for staging, grading and the recommendation rules (defaults: seed 000/003, AJCC 8th, WHO 2019)."""

    version: str = field(
        default=BUILTIN_VERSION,
        metadata={
            "unit": "",
            "help": "Name of this parameter set; stored with every assessment and signed decision.",
            "citation": "",
        },
    )

    # Staging (Table I, AJCC 8th, ref 23)
    t1_max_size_cm: float = _param(
        1.0,
        "cm",
        "T1 needs a primary of at most this size (inclusive); larger is at least T2.",
        "Table I (AJCC 8th, ref 23): T1 ≤1 cm, T2 >1 cm",
    )
    n2_min_positive_nodes: int = _param(
        12,
        "nodes",
        "N2 from this many positive regional nodes (inclusive); fewer positive nodes are N1. AJCC 8th says "
        "'12 or more'; seed Table I says N1 '<12' and N2 '>12', leaving exactly 12 unassigned.",
        "Table I (ref 23); AJCC 8th edition jejunum/ileum",
    )
    n2_mass_cm: float = _param(
        2.0,
        "cm",
        "N2 when a mesenteric mass is larger than this (strict); also 'bulky' nodes for the ileocaecal-valve decision.",
        "Table I (ref 23): large mesenteric masses >2 cm",
    )

    # Grade (WHO 2019)
    grade_g2_min_ki67: float = _param(
        3.0, "%", "G2 from this Ki-67 index (inclusive); below is G1.", "WHO 2019: G1 Ki-67 <3%, G2 3-20%"
    )
    grade_g3_above_ki67: float = _param(20.0, "%", "G3 above this Ki-67 index (strict).", "WHO 2019: G3 Ki-67 >20%")
    grade_g2_min_mitoses: float = _param(
        2.0,
        "mitoses/2 mm²",
        "G2 from this mitotic count (inclusive); below is G1.",
        "WHO 2019: G1 <2 mitoses/2 mm², G2 2-20",
    )
    grade_g3_above_mitoses: float = _param(
        20.0, "mitoses/2 mm²", "G3 above this mitotic count (strict).", "WHO 2019: G3 >20 mitoses/2 mm²"
    )

    # Primary tumour surgery
    lymph_node_min: int = _param(
        8,
        "nodes",
        "Minimum number of lymph nodes to dissect with the primary. Some authors use 12 (refs 23, 28).",
        "Locoregional Enterectomy (refs 10, 14, 20): at least eight nodes",
    )
    icv_size_cm: float = _param(
        1.0,
        "cm",
        "Terminal-ileum primaries larger than this (strict) usually need a right hemicolectomy instead of "
        "ileocaecal-valve preservation.",
        "Surgical Procedure (ref 14): 'tumors exceeding 1 cm'",
    )

    # Fitness for major surgery
    unfit_min_ecog: int = _param(
        3,
        "ECOG",
        "From this ECOG performance status (inclusive) a patient is not fit for major elective surgery: primary "
        "resection is at most 'consider' (individualise), liver surgery and peritoneal cytoreduction are not "
        "recommended. The seed asks for 'fit patients' and weighs 'performance status' without a number; the "
        "default reads ECOG 3 (capable of only limited self-care, confined to bed or chair more than half of "
        "waking hours) as not fit.",
        "Abstract ('in fit patients'); Liver Metastases (ref 41); Table II, Stage IV line 3c (ref 87)",
    )

    # Liver surgery
    debulking_min_percent: float = _param(
        70.0,
        "%",
        "Debulking liver surgery needs at least this share of the liver tumour burden removed (inclusive).",
        "Liver Metastases (refs 9, 36, 53): >70% cytoreduction, cut-off at 70%",
    )

    # Ablation
    ablation_max_lesions: int = _param(
        5,
        "lesions",
        "Thermal ablation needs fewer than this many liver lesions (strict).",
        "Locoregional Treatment (ref 61): 'Only a limited number of lesions (<5)'",
    )
    rfa_max_diameter_cm: float = _param(
        5.0,
        "cm",
        "RFA needs a maximum lesion diameter below this (strict).",
        "Locoregional Treatment (refs 61, 42): '<5 cm'; '>5 cm renders RFA inapplicable'",
    )
    mwa_max_diameter_cm: float = _param(
        5.0,
        "cm",
        "MWA accepts lesions up to this diameter (inclusive): 'lesions of around 5 cm'.",
        "Locoregional Treatment (refs 65, 66)",
    )

    # Liver-directed therapy (ablation, embolisation)
    extensive_liver_involvement_percent: float = _param(
        50.0,
        "%",
        "From this share of the liver volume replaced by tumour (inclusive) liver disease counts as extensive: "
        "ablation and TAE/TACE are at most 'consider', as their risks may outweigh the benefits. Seed 003 gives "
        "no number; the default is the seed's only liver-volume limit, Mazzaferro's '<50% of total liver volume'.",
        "Seed 003 ('poor liver function or extensive disease, the risks may outweigh the benefits'); "
        "Liver transplantation (ref 78)",
    )

    # Liver transplantation
    transplant_max_ki67: float = _param(
        10.0,
        "%",
        "Transplant needs a Ki-67 index below this (strict).",
        "Liver transplantation (Mazzaferro, ref 78): Ki-67 <10%",
    )
    transplant_max_liver_involvement_percent: float = _param(
        50.0,
        "%",
        "Transplant needs liver involvement below this share of liver volume (strict).",
        "Liver transplantation (Mazzaferro, ref 78): <50% of total liver volume",
    )
    transplant_min_stable_months: int = _param(
        6,
        "months",
        "Transplant needs at least this many months of stable disease under treatment (inclusive).",
        "Liver transplantation (Mazzaferro, ref 78): stable disease for at least 6 months",
    )
    transplant_relative_age_limit: int = _param(
        55,
        "years",
        "From this age transplant is relatively contraindicated (Mazzaferro: age <55).",
        "Liver transplantation (Mazzaferro, ref 78): age <55 years (relative contraindication)",
    )
    transplant_enets_age_limit: int = _param(
        50,
        "years",
        "ENETS criteria want an age below this.",
        "Liver transplantation (ENETS/Pavel, ref 70): age <50 years",
    )

    # Peritoneum
    pci_max: int = _param(
        20,
        "PCI points",
        "Cytoreductive surgery for peritoneal carcinomatosis needs a PCI below this (strict).",
        "Diffuse Peritoneal Carcinomatosis (ref 81): peritoneal carcinomatosis index <20",
    )

    # Perioperative somatostatin analogue
    ssa_start_days_before: int = _param(
        1,
        "days",
        "Start octreotide at least this many days before surgery.",
        "Preoperative Care (ref 13): at least 1 day before surgery",
    )
    ssa_continue_days_after: int = _param(
        1,
        "days",
        "Continue octreotide at least this many days after surgery.",
        "Preoperative Care (ref 13): up to at least 1 day postoperatively",
    )
    ssa_crisis_infusion_factor: float = _param(
        2.0,
        "times",
        "Multiply the intraoperative octreotide infusion by this in a carcinoid crisis.",
        "Preoperative Care (ref 14): infusion doubled in the case of carcinoid crisis",
    )
    ssa_taper_percent_per_day: float = _param(
        50.0,
        "%/day",
        "Reduce octreotide by this share per day when discontinuing after surgery.",
        "Preoperative Care (ref 14): gradual discontinuation with 50% reduction each day",
    )


def parameter_names() -> tuple[str, ...]:
    """Return the names of all threshold fields (everything except ``version``)."""
    return tuple(f.name for f in fields(Guideline) if f.name != "version")
