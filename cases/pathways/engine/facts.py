"""Case facts: the engine's input, grouped exactly as the JSON contract of ``manage.py recommend``.

``None`` always means *unknown*, never "no". Every field declares its type and its plausibility bounds in
``metadata["spec"]``. The bounds are data-entry sanity limits (an age of 300 is a typo), not clinical
thresholds; the clinical thresholds live in :class:`~.guideline.Guideline`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .questions import refusals, value_at

SITES = ("duodenum", "jejunum", "ileum", "terminal_ileum", "unknown")
INVASIONS = ("lamina_propria", "submucosa", "muscularis_propria", "subserosa", "serosa", "adjacent_structures")
MARGINS = ("R0", "R1", "R2")
DIFFERENTIATIONS = ("well", "poor")
HEART_DISEASE = ("none", "mild", "advanced")
KI67_SPECIMENS = ("biopsy", "resection")
# The units laboratories report in; a value and its upper limit of normal share one unit.
CHROMOGRANIN_A_UNITS = ("ng/mL", "nmol/L", "U/L")
URINE_5HIAA_UNITS = ("mg/24h", "umol/24h")


class FactsError(ValueError):
    """Invalid case facts; ``errors`` lists every problem as ``path: message``."""

    def __init__(self, errors: list[str] | tuple[str, ...]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True, slots=True)
class Spec:
    """What one input field accepts: ``kind`` is ``bool``, ``int``, ``number`` or ``enum``."""

    kind: str
    lo: float | None = None
    hi: float | None = None
    lo_exclusive: bool = False
    choices: tuple[str, ...] = ()

    def parse(self, value: Any) -> tuple[Any, str | None]:
        """Return ``(parsed value, None)`` or ``(None, message)``; ``None`` input is always valid (unknown)."""
        if value is None:
            return None, None
        if self.kind == "bool":
            if isinstance(value, bool):
                return value, None
            return None, f"must be true, false or null, got {_show(value)}"
        if self.kind == "enum":
            if isinstance(value, str) and value in self.choices:
                return value, None
            allowed = ", ".join(json.dumps(choice) for choice in self.choices)
            return None, f"must be one of {allowed} or null, got {_show(value)}"
        if self.kind == "int":
            ok_type = isinstance(value, int) and not isinstance(value, bool)
            return self._bounded(value, ok_type, "an integer")
        ok_type = isinstance(value, int) and not isinstance(value, bool)
        ok_type = ok_type or (isinstance(value, float) and math.isfinite(value))
        parsed, error = self._bounded(value, ok_type, "a number")
        return (None if parsed is None else float(parsed)), error

    def _bounded(self, value: Any, ok_type: bool, noun: str) -> tuple[Any, str | None]:
        if ok_type and (value > self.lo if self.lo_exclusive else value >= self.lo) and value <= self.hi:
            return value, None  # the usual case: no message to word
        lo, hi = _num(self.lo), _num(self.hi)
        if self.lo_exclusive:
            allowed = f" (allowed: more than {lo} up to {hi}, or null if unknown)"
            too_low = ok_type and value <= self.lo
            lower = f"must be {noun} > {lo}"
        else:
            allowed = f" (allowed: {lo} to {hi}, or null if unknown)"
            too_low = ok_type and value < self.lo
            lower = f"must be {noun} >= {lo}"
        if not ok_type or too_low:
            return None, f"{lower}, got {_show(value)}{allowed}"
        if value > self.hi:
            return None, f"must be {noun} <= {hi}, got {_show(value)}{allowed}"
        return value, None


def _num(x: float | None) -> str:
    if x is None:
        raise TypeError("a bounded spec needs lo and hi")
    return str(int(x)) if float(x).is_integer() else str(x)


def _json(value: Any) -> str:
    return json.dumps(value)


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fact(spec: Spec, label: str) -> Any:
    return field(default=None, metadata={"spec": spec, "label": label})


def _bool(label: str) -> Any:
    return _fact(Spec("bool"), label)


def _int(lo: int, hi: int, label: str) -> Any:
    return _fact(Spec("int", lo, hi), label)


def _number(lo: float, hi: float, label: str, lo_exclusive: bool = False) -> Any:
    return _fact(Spec("number", lo, hi, lo_exclusive), label)


def _enum(choices: tuple[str, ...], label: str) -> Any:
    return _fact(Spec("enum", choices=choices), label)


# Each field's label names the fact in words, for the ``to_confirm`` list of the output.
@dataclass(frozen=True, slots=True)
class Patient:
    age: int | None = _int(0, 120, "age")
    ecog: int | None = _int(0, 4, "ECOG performance status")
    major_comorbidity: bool | None = _bool("major comorbidity")
    family_history: bool | None = _bool("family history of si-NEN")  # ref 86


@dataclass(frozen=True, slots=True)
class Primary:
    """The primary tumour; for multifocal disease the facts describe the most advanced lesion."""

    # "unknown" = primary not found (occult), None = not recorded
    site: str | None = _enum(SITES, "site of the primary")
    size_cm: float | None = _number(0, 30, "size of the primary", lo_exclusive=True)
    invasion: str | None = _enum(INVASIONS, "depth of invasion of the primary")
    multifocal: bool | None = _bool("multifocal primary")
    resected: bool | None = _bool("primary already resected")
    margin: str | None = _enum(MARGINS, "resection margin of the primary")
    symptomatic: bool | None = _bool("symptoms from the primary")
    portal_venous_drainage: bool | None = _bool("portal venous drainage of the primary")
    # obstruction, perforation or bleeding (refs 9, 30)
    emergency_presentation: bool | None = _bool("emergency presentation (obstruction, perforation or bleeding)")


@dataclass(frozen=True, slots=True)
class Nodes:
    positive: int | None = _int(0, 200, "positive regional lymph nodes")
    # In the resected specimen; the seed's "at least eight (10, 14, 20) or 12 (23)" is about nodes dissected.
    examined: int | None = _int(0, 200, "lymph nodes examined")
    mass_cm: float | None = _number(0, 30, "size of the largest mesenteric mass")
    encases_mesenteric_vessels: bool | None = _bool("encasement of the mesenteric vessels")
    # ref 28 classification; 4 = not resectable
    mesenteric_stage: int | None = _int(1, 4, "mesenteric nodal stage (ref 28)")


@dataclass(frozen=True, slots=True)
class Pathology:
    differentiation: str | None = _enum(DIFFERENTIATIONS, "differentiation")
    ki67_percent: float | None = _number(0, 100, "Ki-67 index")
    ki67_specimen: str | None = _enum(KI67_SPECIMENS, "specimen the Ki-67 index was measured on")
    # A rate per 2 mm², often counted over 10 mm² and divided by 5, so fractions are allowed.
    mitoses_per_2mm2: float | None = _number(0, 500, "mitotic count")
    small_cell: bool | None = _bool("small cell carcinoma")


@dataclass(frozen=True, slots=True)
class Syndrome:
    carcinoid_syndrome: bool | None = _bool("carcinoid syndrome")
    urine_5hiaa_elevated: bool | None = _bool("raised 24-h urine 5-HIAA")


@dataclass(frozen=True, slots=True)
class Biochemistry:
    """Laboratory values behind the booleans: a value above its upper limit of normal (ULN) is raised.

    ``syndrome.urine_5hiaa_elevated`` and ``chromogranin_a_elevated`` are derived from value and ULN when
    both are given (see :func:`derive`), and may be given alone when only that is known.
    """

    chromogranin_a: float | None = _number(0, 1_000_000, "chromogranin A")
    chromogranin_a_unit: str | None = _enum(CHROMOGRANIN_A_UNITS, "unit of chromogranin A")
    chromogranin_a_uln: float | None = _number(
        0, 1_000_000, "upper limit of normal of chromogranin A", lo_exclusive=True
    )
    chromogranin_a_elevated: bool | None = _bool("raised chromogranin A")
    urine_5hiaa: float | None = _number(0, 100_000, "24-h urine 5-HIAA")
    urine_5hiaa_unit: str | None = _enum(URINE_5HIAA_UNITS, "unit of 24-h urine 5-HIAA")
    urine_5hiaa_uln: float | None = _number(0, 100_000, "upper limit of normal of 24-h urine 5-HIAA", lo_exclusive=True)


@dataclass(frozen=True, slots=True)
class Heart:
    nt_probnp_pg_ml: float | None = _number(0, 100000, "NT-proBNP")
    echo_done: bool | None = _bool("echocardiogram done")
    carcinoid_heart_disease: str | None = _enum(HEART_DISEASE, "carcinoid heart disease")
    right_heart_failure: bool | None = _bool("right heart failure")


@dataclass(frozen=True, slots=True)
class Liver:
    lesions: int | None = _int(0, 1000, "number of liver lesions")
    max_diameter_cm: float | None = _number(0, 30, "diameter of the largest liver lesion", lo_exclusive=True)
    bilobar: bool | None = _bool("both liver lobes involved")
    dominant_lesion: bool | None = _bool("one dominant liver lesion")
    involvement_percent: float | None = _number(0, 100, "share of the liver volume replaced by tumour")
    near_vital_structures: bool | None = _bool("liver lesion close to hepatic veins or porta hepatis")
    portal_vein_thrombosis: bool | None = _bool("portal vein thrombosis")
    liver_failure: bool | None = _bool("liver failure")
    biliary_enteric_anastomosis: bool | None = _bool("biliary-enteric anastomosis (e.g. Whipple procedure)")
    hepatopulmonary_shunt: bool | None = _bool("hepatopulmonary shunt")
    resectable_percent: float | None = _number(0, 100, "resectable share of the liver tumour burden")
    stable_months: int | None = _int(0, 600, "months of stable disease under treatment")


@dataclass(frozen=True, slots=True)
class Extrahepatic:
    peritoneal: bool | None = _bool("peritoneal disease")
    pci: int | None = _int(0, 39, "peritoneal carcinomatosis index (PCI)")  # 13 regions scored 0-3
    extra_abdominal: bool | None = _bool("extra-abdominal metastases")
    perihilar_nodes_only: bool | None = _bool("perihilar lymph node metastases")
    progressive: bool | None = _bool("progressive extrahepatic disease")


@dataclass(frozen=True, slots=True)
class Workup:
    ct_or_mri: bool | None = _bool("CT or MRI")
    sstr_imaging: bool | None = _bool("somatostatin receptor imaging")
    urine_5hiaa: bool | None = _bool("24-h urine 5-HIAA measured")
    chromogranin_a: bool | None = _bool("chromogranin A measured")
    echocardiogram: bool | None = _bool("echocardiogram")
    nt_probnp: bool | None = _bool("NT-proBNP measured")
    histology: bool | None = _bool("histology")
    fdg_pet: bool | None = _bool("FDG PET")


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """Everything the engine knows about one case; build it with :func:`facts_from_dict` or directly."""

    patient: Patient = field(default_factory=Patient)
    primary: Primary = field(default_factory=Primary)
    nodes: Nodes = field(default_factory=Nodes)
    pathology: Pathology = field(default_factory=Pathology)
    syndrome: Syndrome = field(default_factory=Syndrome)
    heart: Heart = field(default_factory=Heart)
    liver: Liver = field(default_factory=Liver)
    extrahepatic: Extrahepatic = field(default_factory=Extrahepatic)
    workup: Workup = field(default_factory=Workup)
    # Added by issue 17 (values behind the booleans); last, so the contract only grows.
    biochemistry: Biochemistry = field(default_factory=Biochemistry)


GROUPS: dict[str, type] = {
    "patient": Patient,
    "primary": Primary,
    "nodes": Nodes,
    "pathology": Pathology,
    "syndrome": Syndrome,
    "heart": Heart,
    "liver": Liver,
    "extrahepatic": Extrahepatic,
    "workup": Workup,
    "biochemistry": Biochemistry,
}
_FIELDS = {name: {f.name: f.metadata["spec"] for f in fields(cls)} for name, cls in GROUPS.items()}
# "liver.resectable_percent" -> "resectable share of the liver tumour burden"
FACT_LABELS: dict[str, str] = {
    f"{name}.{f.name}": f.metadata["label"] for name, cls in GROUPS.items() for f in fields(cls)
}


# A boolean that a value and its upper limit of normal settle: flag -> (value, ULN). Raised = above the ULN.
RAISED_BY_VALUE: dict[str, tuple[str, str]] = {
    "syndrome.urine_5hiaa_elevated": ("biochemistry.urine_5hiaa", "biochemistry.urine_5hiaa_uln"),
    "biochemistry.chromogranin_a_elevated": ("biochemistry.chromogranin_a", "biochemistry.chromogranin_a_uln"),
}
# A work-up item that a recorded value proves done: item -> value.
DONE_BY_VALUE: dict[str, str] = {
    "workup.urine_5hiaa": "biochemistry.urine_5hiaa",
    "workup.chromogranin_a": "biochemistry.chromogranin_a",
    "workup.nt_probnp": "heart.nt_probnp_pg_ml",
}
# A laboratory value (and its ULN, "<value>_uln") is read in its unit.
UNIT_OF_VALUE: dict[str, str] = {
    "biochemistry.chromogranin_a": "biochemistry.chromogranin_a_unit",
    "biochemistry.urine_5hiaa": "biochemistry.urine_5hiaa_unit",
}


def raised_by_value(facts: CaseFacts, flag: str) -> bool | None:
    """Return whether the value behind FLAG is above its upper limit of normal (None unless both are given)."""
    value_path, uln_path = RAISED_BY_VALUE[flag]
    value, uln = value_at(facts, value_path), value_at(facts, uln_path)
    if value is None or uln is None:
        return None
    return value > uln


def derive(facts: CaseFacts) -> CaseFacts:
    """Return FACTS with the booleans that recorded values settle filled in where they are unknown.

    "Raised" follows from a value and its upper limit of normal; a work-up item is done when its value is
    recorded. A stated boolean is never overwritten (a contradicting one is refused by ``contradictions``).
    """
    derived: dict[str, Any] = {}
    for flag in RAISED_BY_VALUE:
        if value_at(facts, flag) is None:
            derived[flag] = raised_by_value(facts, flag)
    for item, value_path in DONE_BY_VALUE.items():
        if value_at(facts, item) is None and value_at(facts, value_path) is not None:
            derived[item] = True
    changes: dict[str, dict[str, Any]] = {}
    for path, value in derived.items():
        if value is not None:
            group, key = path.split(".")
            changes.setdefault(group, {})[key] = value
    if not changes:
        return facts
    return replace(facts, **{group: replace(getattr(facts, group), **values) for group, values in changes.items()})


def facts_from_dict(data: Any, prefix: str = "") -> CaseFacts:
    """Parse one case from decoded JSON, or raise :class:`FactsError` listing every bad field at once.

    ``prefix`` (e.g. ``"[1]"``) is put in front of every error path, for cases that come in a list.
    """
    errors: list[str] = []

    def where(path: str) -> str:
        if not prefix:
            return path or "input"
        return f"{prefix}.{path}" if path else prefix

    if not isinstance(data, dict):
        raise FactsError([f"{where('')}: must be a JSON object, got {_show(data)}"])
    groups: dict[str, Any] = {}
    for key in data:
        if key not in GROUPS:
            errors.append(f"{where(str(key))}: unknown key; allowed: {', '.join(GROUPS)}")
    for group_name, cls in GROUPS.items():
        raw = data.get(group_name)
        if raw is None:
            groups[group_name] = cls()
            continue
        if not isinstance(raw, dict):
            errors.append(f"{where(group_name)}: must be an object or null, got {_show(raw)}")
            groups[group_name] = cls()
            continue
        specs = _FIELDS[group_name]
        values: dict[str, Any] = {}
        for key, value in raw.items():
            spec = specs.get(key)
            if spec is None:
                errors.append(f"{where(f'{group_name}.{key}')}: unknown key; allowed: {', '.join(specs)}")
                continue
            if value is None:  # unknown, the default: nothing to check (most findings of most cases)
                continue
            parsed, error = spec.parse(value)
            if error:
                errors.append(f"{where(f'{group_name}.{key}')}: {error}")
            else:
                values[key] = parsed
        groups[group_name] = cls(**values)
    facts = CaseFacts(**groups)
    errors.extend(f"{where(path)}: {message}" for path, message in contradictions(facts).items())
    if errors:
        raise FactsError(errors)
    return derive(facts)


def facts_to_dict(facts: CaseFacts) -> dict[str, dict[str, Any]]:
    """Return the JSON-ready form of ``facts`` (every key present; unknown = ``None``)."""
    return {name: {f.name: getattr(getattr(facts, name), f.name) for f in fields(cls)} for name, cls in GROUPS.items()}


def contradictions(facts: CaseFacts) -> dict[str, str]:
    """Return ``{field path: message}`` for facts that contradict each other (each field individually valid).

    The one place these rules live: ``facts_from_dict`` (hence ``manage.py recommend``, exit 2) and the
    pathway's step forms refuse the same combinations with the same field named. Two problems with one
    field are joined with "; ".
    """
    found: dict[str, list[str]] = {}

    def refuse(path: str, message: str) -> None:
        found.setdefault(path, []).append(message)

    primary, pathology, nodes = facts.primary, facts.pathology, facts.nodes
    extrahepatic, heart, workup = facts.extrahepatic, facts.heart, facts.workup
    # Questions that a known answer rules out (a PCI with no peritoneal disease, a margin without a
    # resection): the table the step forms show and hide their questions by.
    for path, message in refusals(facts).items():
        refuse(path, message)
    if primary.emergency_presentation is True and primary.symptomatic is False:
        refuse("primary.symptomatic", "cannot be false when primary.emergency_presentation is true")
    if primary.site == "unknown":
        if primary.resected is True:
            refuse("primary.resected", 'cannot be true when primary.site is "unknown" (primary not found)')
        for name in ("size_cm", "invasion"):
            if getattr(primary, name) is not None:
                refuse(f"primary.{name}", 'must be null when primary.site is "unknown" (primary not found)')
    if pathology.small_cell is True and pathology.differentiation == "well":
        refuse(
            "pathology.small_cell",
            'cannot be true when pathology.differentiation is "well" '
            "(small cell carcinoma is a poorly differentiated NEC)",
        )
    if nodes.positive == 0 and nodes.mass_cm == 0:
        # Ref 28's stages classify mesenteric nodal metastases; none are recorded.
        if nodes.mesenteric_stage is not None:
            refuse("nodes.mesenteric_stage", "must be null when nodes.positive is 0 and nodes.mass_cm is 0")
        if nodes.encases_mesenteric_vessels is True:
            refuse("nodes.encases_mesenteric_vessels", "cannot be true when nodes.positive is 0 and nodes.mass_cm is 0")
    if extrahepatic.perihilar_nodes_only is True and (
        extrahepatic.peritoneal is True or extrahepatic.extra_abdominal is True
    ):
        refuse(
            "extrahepatic.perihilar_nodes_only", "cannot be true together with peritoneal or extra_abdominal disease"
        )
    if extrahepatic.peritoneal is True and extrahepatic.pci == 0:
        refuse("extrahepatic.pci", "cannot be 0 when extrahepatic.peritoneal is true")
    outside = (extrahepatic.peritoneal, extrahepatic.extra_abdominal, extrahepatic.perihilar_nodes_only)
    if extrahepatic.progressive is True and all(site is False for site in outside):
        refuse(
            "extrahepatic.progressive",
            "cannot be true when no extrahepatic disease is recorded (extrahepatic.peritoneal, "
            "extrahepatic.extra_abdominal and extrahepatic.perihilar_nodes_only are all false)",
        )
    if {heart.echo_done, workup.echocardiogram} == {True, False}:
        refuse("workup.echocardiogram", "contradicts heart.echo_done (one is true, the other false)")
    # A recorded value proves the test was done; value and upper limit of normal settle "raised".
    for item, value_path in DONE_BY_VALUE.items():
        if value_at(facts, item) is False and value_at(facts, value_path) is not None:
            refuse(item, f"cannot be false when {value_path} is given")
    for flag, (value_path, uln_path) in RAISED_BY_VALUE.items():
        stated, raised = value_at(facts, flag), raised_by_value(facts, flag)
        if stated is not None and raised is not None and stated != raised:
            value, uln = _num(value_at(facts, value_path)), _num(value_at(facts, uln_path))
            above = "above" if raised else "not above"
            refuse(flag, f"cannot be {_json(stated)} when {value_path} ({value}) is {above} {uln_path} ({uln})")
    for value_path, unit_path in UNIT_OF_VALUE.items():
        uln_path = f"{value_path}_uln"
        given = [path for path in (value_path, uln_path) if value_at(facts, path) is not None]
        if given and value_at(facts, unit_path) is None:
            refuse(unit_path, f"must be given with {' and '.join(given)} (a value needs its unit)")
    return {path: "; ".join(messages) for path, messages in found.items()}
