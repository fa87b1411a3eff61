"""Time the decision engine: median time per evaluation and cases per second over a realistic mix.

Run: .venv/bin/python bench/engine.py [--rounds N]
Budget (issue 3): under 1 ms per case. Parsing is timed separately; the web app builds facts from models.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cases.pathways.engine import Guideline, evaluate, facts_from_dict

BUDGET_MS = 1.0

WORKED_UP = {
    "ct_or_mri": True,
    "sstr_imaging": True,
    "urine_5hiaa": True,
    "chromogranin_a": True,
    "echocardiogram": True,
    "nt_probnp": True,
    "histology": True,
}
HEART = {"nt_probnp_pg_ml": 140, "echo_done": True, "carcinoid_heart_disease": "none", "right_heart_failure": False}
NOTHING_OUTSIDE = {"peritoneal": False, "extra_abdominal": False, "perihilar_nodes_only": False, "progressive": False}

# The kinds of case a board sees: localised, nodal, liver-limited, bilobar, peritoneal, high grade, sparse.
MIX = [
    {  # stage I, complete
        "patient": {"age": 49, "ecog": 0, "major_comorbidity": False},
        "primary": {"site": "jejunum", "size_cm": 0.9, "invasion": "submucosa", "resected": False},
        "nodes": {"positive": 0, "mass_cm": 0},
        "pathology": {"differentiation": "well", "ki67_percent": 1},
        "syndrome": {"carcinoid_syndrome": False, "urine_5hiaa_elevated": False},
        "heart": HEART,
        "liver": {"lesions": 0},
        "extrahepatic": NOTHING_OUTSIDE,
        "workup": WORKED_UP,
    },
    {  # stage III terminal ileum with bulky nodes
        "patient": {"age": 61, "ecog": 1, "major_comorbidity": False},
        "primary": {"site": "terminal_ileum", "size_cm": 1.8, "invasion": "subserosa", "resected": False},
        "nodes": {"positive": 9, "mass_cm": 3.1, "mesenteric_stage": 2},
        "pathology": {"differentiation": "well", "ki67_percent": 4, "mitoses_per_2mm2": 1},
        "syndrome": {"carcinoid_syndrome": False, "urine_5hiaa_elevated": True},
        "heart": HEART,
        "liver": {"lesions": 0},
        "extrahepatic": NOTHING_OUTSIDE,
        "workup": WORKED_UP,
    },
    {  # issue example 2: liver-limited, resectable
        "patient": {"age": 66, "ecog": 0, "major_comorbidity": False},
        "primary": {"site": "terminal_ileum", "size_cm": 2.2, "invasion": "subserosa", "resected": False},
        "nodes": {"positive": 6, "mass_cm": 2.5},
        "pathology": {"differentiation": "well", "ki67_percent": 5},
        "syndrome": {"carcinoid_syndrome": True},
        "heart": HEART,
        "liver": {"lesions": 2, "max_diameter_cm": 3.0, "bilobar": False, "resectable_percent": 100},
        "extrahepatic": NOTHING_OUTSIDE,
        "workup": WORKED_UP,
    },
    {  # issue example 3: bilobar, transplant question
        "patient": {"age": 52, "ecog": 0, "major_comorbidity": False},
        "primary": {"resected": True, "margin": "R0", "portal_venous_drainage": True},
        "pathology": {"differentiation": "well", "ki67_percent": 12},
        "heart": HEART,
        "liver": {
            "lesions": 20,
            "bilobar": True,
            "dominant_lesion": False,
            "involvement_percent": 40,
            "stable_months": 9,
        },
        "extrahepatic": NOTHING_OUTSIDE,
        "workup": WORKED_UP,
    },
    {  # peritoneal disease, progressive
        "patient": {"age": 70, "ecog": 2, "major_comorbidity": True},
        "primary": {"site": "ileum", "size_cm": 2.5, "invasion": "serosa", "resected": False, "symptomatic": True},
        "nodes": {"positive": 14, "mass_cm": 4.0, "encases_mesenteric_vessels": True, "mesenteric_stage": 4},
        "pathology": {"differentiation": "well", "ki67_percent": 8, "mitoses_per_2mm2": 3},
        "syndrome": {"carcinoid_syndrome": True, "urine_5hiaa_elevated": True},
        "heart": {"carcinoid_heart_disease": "mild", "right_heart_failure": False, "echo_done": True},
        "liver": {
            "lesions": 6,
            "max_diameter_cm": 4.0,
            "bilobar": True,
            "dominant_lesion": True,
            "involvement_percent": 20,
            "resectable_percent": 75,
            "near_vital_structures": True,
        },
        "extrahepatic": {"peritoneal": True, "pci": 14, "extra_abdominal": False, "progressive": True},
        "workup": {**WORKED_UP, "echocardiogram": True},
    },
    {  # neuroendocrine carcinoma
        "patient": {"age": 58, "ecog": 1},
        "primary": {"site": "jejunum", "size_cm": 3.0, "invasion": "muscularis_propria", "symptomatic": True},
        "pathology": {"differentiation": "poor", "ki67_percent": 65, "small_cell": True},
        "liver": {"lesions": 3, "max_diameter_cm": 2.0},
    },
    {  # duodenal primary resected R2, functional, unfit: re-resection, SSA and systemic paths (round 2)
        "patient": {"age": 74, "ecog": 3, "major_comorbidity": True},
        "primary": {"site": "duodenum", "size_cm": 1.6, "invasion": "submucosa", "resected": True, "margin": "R2"},
        "nodes": {"positive": 3, "mass_cm": 2.4, "mesenteric_stage": 3},
        "pathology": {"differentiation": "well", "ki67_percent": 9},
        "syndrome": {"carcinoid_syndrome": True, "urine_5hiaa_elevated": True},
        "heart": {"carcinoid_heart_disease": "advanced", "right_heart_failure": True, "echo_done": True},
        "liver": {"lesions": 0},
        "extrahepatic": NOTHING_OUTSIDE,
        "workup": WORKED_UP,
    },
    {},  # a new case with nothing recorded yet
]


def measure(cases, guideline, rounds: int) -> list[float]:
    """Return the seconds each single evaluation took, over ROUNDS passes through CASES."""
    timings = []
    clock = time.perf_counter
    for _ in range(rounds):
        for facts in cases:
            start = clock()
            evaluate(facts, guideline)
            timings.append(clock() - start)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000, help="passes through the mix (default 2000)")
    rounds = parser.parse_args().rounds
    guideline = Guideline()

    start = time.perf_counter()
    cases = [facts_from_dict(data) for data in MIX]
    parse_us = (time.perf_counter() - start) / len(MIX) * 1e6

    measure(cases, guideline, 50)  # warm up
    timings = measure(cases, guideline, rounds)
    total = sum(timings)
    median_ms = statistics.median(timings) * 1e3
    p95_ms = statistics.quantiles(timings, n=20)[-1] * 1e3
    print(f"cases in the mix:          {len(MIX)} ({len(timings)} evaluations)")
    print(f"median per evaluation:     {median_ms * 1e3:.0f} µs ({median_ms:.3f} ms)")
    print(f"95th percentile:           {p95_ms * 1e3:.0f} µs")
    print(f"throughput:                {len(timings) / total:,.0f} cases/s")
    print(f"parsing (facts_from_dict): {parse_us:.0f} µs per case (first call, not in the figures above)")
    within = median_ms < BUDGET_MS
    print(f"budget {BUDGET_MS} ms per case:    {'met' if within else 'EXCEEDED'}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
