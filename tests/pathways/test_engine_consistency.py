"""Properties over 2,000 generated cases each: options agree with each other, every reason is about a fact the
case has, explanations lead with the deciding reason, and a patient with disease left always has a path.

Three generators, equally often: a favourable case (every option at its strongest) with up to five facts changed
at random, nearly complete cases, and the sparse cases of test_engine_properties.py; numbers near the
guideline's boundaries; every case made consistent the way the input validation demands.
"""

import copy
import re
from dataclasses import fields

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.pathways.engine import FACT_LABELS, Guideline, Verdict, evaluate, facts_from_dict
from cases.pathways.engine.facts import GROUPS
from cases.pathways.engine.staging import cm, peritoneal_disease
from tests.pathways.conftest import BASELINE, LIVER_METASTASES
from tests.pathways.test_engine_properties import consistent, recorded, valid_cases, value

REC, CONSIDER, NOT_REC = Verdict.RECOMMENDED, Verdict.CONSIDER, Verdict.NOT_RECOMMENDED
RANK = {NOT_REC: 0, CONSIDER: 1, REC: 2}
MANY = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MAJOR_OPERATIONS = (
    "primary_resection", "liver_resection", "liver_debulking", "peritoneal_cytoreduction", "liver_transplant"
)  # fmt: skip
LIVER_DIRECTED = ("rfa", "mwa", "ire", "tae_tace", "sirt")
# Options that only accompany another one; a patient's path is one of the others.
ACCOMPANYING = (
    "right_hemicolectomy", "ileocecal_valve_preservation", "laparoscopic_approach", "prophylactic_cholecystectomy",
    "hipec", "cardiology_assessment", "perioperative_ssa", "adjuvant_therapy",
)  # fmt: skip


def mostly_recorded(spec):
    """Return a strategy that records a value most of the time (the shared generator leaves most facts unknown)."""
    return st.one_of(recorded(spec), recorded(spec), recorded(spec), st.none())


# Two favourable cases, every fact recorded: a fit patient with three small resectable liver metastases of a
# G1 tumour (curative resection at its strongest), and one with bilobar unresectable liver-only disease after an
# R0 resection who meets the transplant criteria (intra-arterial therapy and transplantation at their strongest).
# A few facts changed at random flip verdicts at their boundaries, which is where options can disagree.
RESECTABLE = {
    **copy.deepcopy(BASELINE),
    "liver": dict(LIVER_METASTASES),
    "primary": {**BASELINE["primary"], "site": "terminal_ileum", "size_cm": 1.5, "invasion": "subserosa"},
}
UNRESECTABLE = {
    **copy.deepcopy(BASELINE),
    "primary": {**BASELINE["primary"], "site": "ileum", "resected": True, "margin": "R0"},
    "pathology": {**BASELINE["pathology"], "ki67_percent": 5},
    "liver": {
        **LIVER_METASTASES,
        "lesions": 20,
        "max_diameter_cm": 3.0,
        "bilobar": True,
        "involvement_percent": 30,
        "resectable_percent": 40,
    },
}
FIELD_SPECS = {f"{name}.{f.name}": f.metadata["spec"] for name, cls in GROUPS.items() for f in fields(cls)}


def changed(start_and_changes: tuple[dict, dict]) -> dict:
    start, changes = start_and_changes
    data = copy.deepcopy(start)
    for path, new in changes.items():
        group, name = path.split(".")
        data.setdefault(group, {})[name] = new
    return consistent(data)


near_favourable = st.tuples(
    st.sampled_from([RESECTABLE, UNRESECTABLE]),
    st.lists(st.sampled_from(sorted(FIELD_SPECS)), max_size=5, unique=True).flatmap(
        lambda paths: st.fixed_dictionaries({path: value(FIELD_SPECS[path]) for path in paths})
    ),
).map(changed)
# Nearly complete cases (most facts recorded) and the sparse cases of the shared generator as well.
recorded_cases = st.fixed_dictionaries(
    {
        name: st.fixed_dictionaries({f.name: mostly_recorded(f.metadata["spec"]) for f in fields(cls)})
        for name, cls in GROUPS.items()
    }
).map(consistent)
cases = st.one_of(near_favourable, recorded_cases, valid_cases)


def assess(data):
    facts = facts_from_dict(data)
    result = evaluate(facts, Guideline())
    return facts, result, {rec.code: rec for rec in result.recommendations}


def verdict(options, code) -> int:
    return RANK[options[code].verdict]


def planned(options, codes) -> bool:
    return any(options[code].verdict != NOT_REC for code in codes)


@MANY
@given(cases)
def test_options_that_depend_on_each_other_agree(data):
    facts, result, options = assess(data)
    primary, nodes, heart, liver = facts.primary, facts.nodes, facts.heart, facts.liver
    problems = []

    def require(rule: str, holds: bool) -> None:
        if not holds:
            problems.append(rule)

    if options["liver_resection"].verdict == REC:
        require("curative liver resection needs a resectable mesentery", nodes.mesenteric_stage != 4)
        require("curative liver resection needs no R2 residual disease", primary.margin != "R2")
        require("curative liver resection is for G1/G2", result.grade in ("G1", "G2"))
        require("curative liver resection: no peritoneal disease", not peritoneal_disease(facts.extrahepatic))
        require("curative liver resection: no extra-abdominal disease", facts.extrahepatic.extra_abdominal is False)
        require("curative liver resection: no liver failure", liver.liver_failure is not True)
        require("curative liver resection: no right heart failure", heart.right_heart_failure is False)
        require("curative liver resection: no advanced heart disease", heart.carcinoid_heart_disease != "advanced")
        if primary.resected is False:
            require(
                "curative liver resection means the primary is resected too (3a)",
                verdict(options, "primary_resection") == 2,
            )
        require("TAE/TACE is for patients ineligible for surgery", options["tae_tace"].verdict == NOT_REC)
        require("SIRT is for patients ineligible for surgery", options["sirt"].verdict == NOT_REC)
    if options["liver_resection"].verdict == CONSIDER or options["liver_debulking"].verdict == CONSIDER:
        require("TAE/TACE at most consider while liver surgery is considered", verdict(options, "tae_tace") <= 1)
    if options["rfa"].verdict == REC:
        require("TAE/TACE at most consider while RFA is recommended", verdict(options, "tae_tace") <= 1)
    if options["tae_tace"].verdict == REC:
        require(
            "SIRT does not contrast itself with a recommended TACE",
            "unlike TACE" not in " ".join(options["sirt"].reasons),
        )
    for code in ("right_hemicolectomy", "ileocecal_valve_preservation", "laparoscopic_approach"):
        require(
            f"{code} no stronger than the primary resection",
            verdict(options, code) <= verdict(options, "primary_resection"),
        )
    require(
        "HIPEC no stronger than cytoreduction",
        verdict(options, "hipec") <= verdict(options, "peritoneal_cytoreduction"),
    )
    if options["prophylactic_cholecystectomy"].verdict != NOT_REC:
        require("cholecystectomy needs an abdominal operation", planned(options, MAJOR_OPERATIONS[:4]))
        require(
            "cholecystectomy needs long-term SSA or TACE foreseen (or liver metastases, which recur)",
            planned(options, ("somatostatin_analogue", "tae_tace")) or (liver.lesions or 0) > 0,
        )
    if options["perioperative_ssa"].verdict != NOT_REC:
        require("SSA cover needs a planned procedure", planned(options, MAJOR_OPERATIONS + LIVER_DIRECTED))
    if options["cardiology_assessment"].verdict != NOT_REC:
        require("cardiology assessment before a planned major operation", planned(options, MAJOR_OPERATIONS))
    if result.grade == "NEC":
        for code in (*LIVER_DIRECTED, "liver_transplant", "liver_resection", "liver_debulking"):
            require(f"no {code} for a neuroendocrine carcinoma", options[code].verdict == NOT_REC)
    if result.grade == "G3":
        for code in LIVER_DIRECTED:
            require(f"{code} at most consider for a G3 tumour", verdict(options, code) <= 1)
    if options["liver_transplant"].verdict != NOT_REC:
        require("transplant: no R2 residual disease", primary.margin != "R2")
        require("transplant: G1/G2 (or not yet graded)", result.grade in ("G1", "G2", None))
    systemic = " ".join(options["systemic_therapy"].reasons)
    if "first" in systemic:
        require(
            "systemic therapy says something comes first only when something is planned",
            planned(options, MAJOR_OPERATIONS + LIVER_DIRECTED),
        )
    laparoscopy = options["laparoscopic_approach"]
    if laparoscopy.verdict == NOT_REC:
        require(
            "a refused laparoscopy never says it may be considered",
            "may be considered" not in " ".join(laparoscopy.reasons),
        )
    else:
        require("an offered laparoscopy never argues against itself", not laparoscopy.why.startswith("Laparotomy"))
    for code in ("liver_debulking", "mwa", "ire", "sirt", "laparoscopic_approach", "peritoneal_cytoreduction"):
        require(f"{code} is never more than an option", options[code].verdict != REC)
    for code in ("adjuvant_therapy", "hipec"):
        require(f"{code} is never offered", options[code].verdict == NOT_REC)
    assert not problems, problems


# A reason that starts like this claims a fact; the fact must be true of the case.
def _claims(facts, result, options):
    primary, pathology, syndrome, heart = facts.primary, facts.pathology, facts.syndrome, facts.heart
    liver, extrahepatic, patient, nodes = facts.liver, facts.extrahepatic, facts.patient, facts.nodes
    shown = lambda value: value is not None and cm(value)  # noqa: E731  (numbers as the reasons print them)
    return [
        (r"^Carcinoid syndrome(?! not| or)", lambda m: syndrome.carcinoid_syndrome is True),
        (r"^Raised urine 5-HIAA", lambda m: syndrome.urine_5hiaa_elevated is True),
        (r"^(\d+) liver lesions?", lambda m: liver.lesions == int(m[1])),
        (r"^Liver metastases", lambda m: (liver.lesions or 0) > 0),
        (r"^Metastatic liver disease", lambda m: (liver.lesions or 0) > 0),
        (r"^No liver metastases", lambda m: liver.lesions == 0),
        (r"^Peritoneal(?! disease not recorded)", lambda m: peritoneal_disease(extrahepatic) is True),
        (r"^No peritoneal", lambda m: peritoneal_disease(extrahepatic) is False),
        (r"^Extra-abdominal (metastases|disease)(?! not recorded)", lambda m: extrahepatic.extra_abdominal is True),
        (r"^Perihilar lymph nodes(?! not recorded)", lambda m: extrahepatic.perihilar_nodes_only is True),
        (r"^Progressive", lambda m: extrahepatic.progressive is True),
        (r"^Multifocal", lambda m: primary.multifocal is True),
        (r"^Family history", lambda m: patient.family_history is True),
        (r"^Emergency presentation", lambda m: primary.emergency_presentation is True),
        (r"^Symptomatic", lambda m: primary.symptomatic is True or primary.emergency_presentation is True),
        (r"^Asymptomatic", lambda m: primary.symptomatic is False),
        (r"^Major comorbidity(?! not recorded)", lambda m: patient.major_comorbidity is True),
        (r"^Right heart failure(?! not recorded)", lambda m: heart.right_heart_failure is True),
        (r"^Liver failure(?! not recorded)", lambda m: liver.liver_failure is True),
        (r"^Advanced carcinoid heart disease", lambda m: heart.carcinoid_heart_disease == "advanced"),
        (r"^Carcinoid heart disease \((\w+)\)", lambda m: heart.carcinoid_heart_disease == m[1]),
        (r"^Grade (G1|G2|G3|NEC)", lambda m: result.grade == m[1]),
        (r"^(Small cell )?[Nn]euroendocrine carcinoma|^Localised neuroendocrine", lambda m: result.grade == "NEC"),
        (r"^Small cell", lambda m: pathology.small_cell is True),
        (r"^Localised disease", lambda m: result.m == "M0"),
        (r"^Distant metastases", lambda m: result.m == "M1"),
        (r"^Bilobar disease", lambda m: liver.bilobar is True),
        (r"^Portal vein thrombosis(?! not)", lambda m: liver.portal_vein_thrombosis is True),
        (r"^Hepatopulmonary shunt(?! not)", lambda m: liver.hepatopulmonary_shunt is True),
        (r"^Primary already resected|^Primary resected|^The primary has already", lambda m: primary.resected is True),
        (r"^Primary resected R2", lambda m: primary.margin == "R2"),
        (r"^Mesenteric nodal stage (\d)", lambda m: nodes.mesenteric_stage == int(m[1])),
        (r"^ECOG performance status (\d)", lambda m: patient.ecog == int(m[1])),
        (r"^Age (\d+)", lambda m: patient.age == int(m[1])),
        (r"^Ki-67 ([\d.]+)%", lambda m: shown(pathology.ki67_percent) == m[1]),
        (r"^PCI (\d+)", lambda m: extrahepatic.pci == int(m[1])),
        (r"^Stable for (\d+)", lambda m: liver.stable_months == int(m[1])),
        (r"^([\d.]+)% of the liver (replaced|involved)", lambda m: shown(liver.involvement_percent) == m[1]),
        (r"^Largest lesion ([\d.]+) cm", lambda m: shown(liver.max_diameter_cm) == m[1]),
        (r"^Terminal-ileum primary", lambda m: primary.site == "terminal_ileum"),
        (r"^Primary in the (\w+)", lambda m: primary.site == m[1] or (m[1] == "ileum" and primary.site == "ileum")),
        (r"^Duodenal primary", lambda m: primary.site == "duodenum"),
        (r"^Primary (tumour )?not found", lambda m: primary.site == "unknown"),
        (r"^Lesions? close to vital", lambda m: liver.near_vital_structures is True),
        (r"^Lesions away from vital", lambda m: liver.near_vital_structures is False),
        (
            r"serotonin-secreting",
            lambda m: syndrome.carcinoid_syndrome is True or syndrome.urine_5hiaa_elevated is True,
        ),
        (r"before surgery", lambda m: planned(options, MAJOR_OPERATIONS)),
        (r"before liver-directed therapy|before the procedure", lambda m: planned(options, LIVER_DIRECTED)),
        (
            r"chemoembolisation is an option|complications of chemoembolisation",
            lambda m: planned(options, ("tae_tace",)),
        ),
    ]


@MANY
@given(cases)
def test_no_reason_cites_a_fact_the_case_does_not_have(data):
    facts, result, options = assess(data)
    claims = [(re.compile(pattern), holds) for pattern, holds in _claims(facts, result, options)]
    wrong = []
    for rec in result.recommendations:
        for reason in rec.reasons:
            for pattern, holds in claims:
                match = pattern.search(reason)
                if match and not holds(match):
                    wrong.append((rec.code, pattern.pattern, reason))
    assert not wrong, wrong


ELIGIBLE = re.compile(
    r"^(Grade G[12]: (meets|no grade)|\d+ liver lesions?: within|Largest lesion [\d.]+ cm: (below|MWA destroys)|"
    r"Lesions away from vital structures \(|Mesenteric nodal stage [123]: operable|Stable for \d+ months: at least|"
    r"Age \d+: under|Ki-67 [\d.]+%: below|Primary previously resected R0|PCI \d+ \(below|All of the liver tumour "
    r"burden can be removed)"
)


@MANY
@given(cases)
def test_explanations_lead_with_the_deciding_reason_and_name_only_unknown_facts(data):
    facts, result, _ = assess(data)
    values = {
        f"{group}.{name}": getattr(getattr(facts, group), name) for group, name in (p.split(".") for p in FACT_LABELS)
    }
    for rec in result.recommendations:
        assert rec.why == rec.reasons[0], rec.code
        assert len(set(rec.reasons)) == len(rec.reasons), (rec.code, "a reason repeated")
        if rec.verdict == NOT_REC:
            assert not ELIGIBLE.match(rec.why), (rec.code, "not recommended, led by an eligibility", rec.why)
        for item in rec.to_confirm:
            assert values[item.field] is None, (rec.code, item.field, "to confirm, yet recorded")
            assert item.label == FACT_LABELS[item.field]
        assert len({item.field for item in rec.to_confirm}) == len(rec.to_confirm)
        for reason in rec.reasons:
            assert "the seed" not in reason.lower(), (rec.code, "developer commentary", reason)
            assert "cut-off)" not in reason, (rec.code, reason)


@MANY
@given(cases)
def test_a_patient_with_disease_left_always_leaves_with_a_path(data):
    """Introduction: "For inoperable cases, hormone symptom control and suspension of tumor proliferation should be
    among the therapeutic aims"; every case with disease in place has at least one option to consider."""
    facts, result, options = assess(data)
    disease_left = result.m == "M1" or facts.primary.margin == "R2" or facts.primary.resected is False
    if disease_left:
        paths = [code for code, rec in options.items() if code not in ACCOMPANYING and rec.verdict != NOT_REC]
        assert paths, {code: rec.why for code, rec in options.items()}
