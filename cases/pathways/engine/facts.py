"""Case facts: the engine's input, grouped exactly as the JSON contract of ``manage.py recommend``.

``None`` always means *unknown*, never "no". Every field declares its type and its plausibility bounds in
``metadata["spec"]``. The bounds are data-entry sanity limits (an age of 300 is a typo), not clinical
thresholds; the clinical thresholds live in :class:`~.guideline.Guideline`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields
from typing import Any

SITES = ("duodenum", "jejunum", "ileum", "terminal_ileum", "unknown")
INVASIONS = ("lamina_propria", "submucosa", "muscularis_propria", "subserosa", "serosa", "adjacent_structures")
MARGINS = ("R0", "R1", "R2")
DIFFERENTIATIONS = ("well", "poor")
HEART_DISEASE = ("none", "mild", "advanced")


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


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fact(spec: Spec) -> Any:
    return field(default=None, metadata={"spec": spec})


def _bool() -> Any:
    return _fact(Spec("bool"))


def _int(lo: int, hi: int) -> Any:
    return _fact(Spec("int", lo, hi))


def _number(lo: float, hi: float, lo_exclusive: bool = False) -> Any:
    return _fact(Spec("number", lo, hi, lo_exclusive))


def _enum(choices: tuple[str, ...]) -> Any:
    return _fact(Spec("enum", choices=choices))


@dataclass(frozen=True, slots=True)
class Patient:
    age: int | None = _int(0, 120)
    ecog: int | None = _int(0, 4)
    major_comorbidity: bool | None = _bool()
    family_history: bool | None = _bool()  # of si-NEN (ref 86)


@dataclass(frozen=True, slots=True)
class Primary:
    """The primary tumour; for multifocal disease the facts describe the most advanced lesion."""

    site: str | None = _enum(SITES)  # "unknown" = primary not found (occult), None = not recorded
    size_cm: float | None = _number(0, 30, lo_exclusive=True)
    invasion: str | None = _enum(INVASIONS)
    multifocal: bool | None = _bool()
    resected: bool | None = _bool()
    margin: str | None = _enum(MARGINS)
    symptomatic: bool | None = _bool()
    portal_venous_drainage: bool | None = _bool()
    emergency_presentation: bool | None = _bool()  # obstruction, perforation or bleeding (refs 9, 30)


@dataclass(frozen=True, slots=True)
class Nodes:
    positive: int | None = _int(0, 200)
    mass_cm: float | None = _number(0, 30)
    encases_mesenteric_vessels: bool | None = _bool()
    mesenteric_stage: int | None = _int(1, 4)  # ref 28 classification; 4 = not resectable


@dataclass(frozen=True, slots=True)
class Pathology:
    differentiation: str | None = _enum(DIFFERENTIATIONS)
    ki67_percent: float | None = _number(0, 100)
    # A rate per 2 mm², often counted over 10 mm² and divided by 5, so fractions are allowed.
    mitoses_per_2mm2: float | None = _number(0, 500)
    small_cell: bool | None = _bool()


@dataclass(frozen=True, slots=True)
class Syndrome:
    carcinoid_syndrome: bool | None = _bool()
    urine_5hiaa_elevated: bool | None = _bool()


@dataclass(frozen=True, slots=True)
class Heart:
    nt_probnp_pg_ml: float | None = _number(0, 100000)
    echo_done: bool | None = _bool()
    carcinoid_heart_disease: str | None = _enum(HEART_DISEASE)
    right_heart_failure: bool | None = _bool()


@dataclass(frozen=True, slots=True)
class Liver:
    lesions: int | None = _int(0, 1000)
    max_diameter_cm: float | None = _number(0, 30, lo_exclusive=True)
    bilobar: bool | None = _bool()
    dominant_lesion: bool | None = _bool()
    involvement_percent: float | None = _number(0, 100)
    near_vital_structures: bool | None = _bool()
    portal_vein_thrombosis: bool | None = _bool()
    liver_failure: bool | None = _bool()
    biliary_enteric_anastomosis: bool | None = _bool()
    hepatopulmonary_shunt: bool | None = _bool()
    resectable_percent: float | None = _number(0, 100)
    stable_months: int | None = _int(0, 600)


@dataclass(frozen=True, slots=True)
class Extrahepatic:
    peritoneal: bool | None = _bool()
    pci: int | None = _int(0, 39)  # 13 regions scored 0-3
    extra_abdominal: bool | None = _bool()
    perihilar_nodes_only: bool | None = _bool()
    progressive: bool | None = _bool()


@dataclass(frozen=True, slots=True)
class Workup:
    ct_or_mri: bool | None = _bool()
    sstr_imaging: bool | None = _bool()
    urine_5hiaa: bool | None = _bool()
    chromogranin_a: bool | None = _bool()
    echocardiogram: bool | None = _bool()
    nt_probnp: bool | None = _bool()
    histology: bool | None = _bool()
    fdg_pet: bool | None = _bool()


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
}
_FIELDS = {name: {f.name: f.metadata["spec"] for f in fields(cls)} for name, cls in GROUPS.items()}


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
            parsed, error = spec.parse(value)
            if error:
                errors.append(f"{where(f'{group_name}.{key}')}: {error}")
            else:
                values[key] = parsed
        groups[group_name] = cls(**values)
    facts = CaseFacts(**groups)
    errors.extend(f"{where(path)}: {message}" for path, message in cross_field_errors(facts))
    if errors:
        raise FactsError(errors)
    return facts


def facts_to_dict(facts: CaseFacts) -> dict[str, dict[str, Any]]:
    """Return the JSON-ready form of ``facts`` (every key present; unknown = ``None``)."""
    return {name: {f.name: getattr(getattr(facts, name), f.name) for f in fields(cls)} for name, cls in GROUPS.items()}


def cross_field_errors(facts: CaseFacts) -> list[tuple[str, str]]:
    """Return ``(path, message)`` for facts that contradict each other (fields already individually valid)."""
    errors: list[tuple[str, str]] = []
    p, path, liver, x, h, w = (
        facts.primary,
        facts.pathology,
        facts.liver,
        facts.extrahepatic,
        facts.heart,
        facts.workup,
    )
    if p.margin is not None and p.resected is not True:
        errors.append(("primary.margin", "only meaningful when primary.resected is true"))
    if p.emergency_presentation is True and p.symptomatic is False:
        errors.append(("primary.symptomatic", "cannot be false when primary.emergency_presentation is true"))
    if p.resected is True and p.site == "unknown":
        errors.append(("primary.resected", 'cannot be true when primary.site is "unknown" (primary not found)'))
    if path.small_cell is True and path.differentiation == "well":
        errors.append(
            (
                "pathology.small_cell",
                'cannot be true when pathology.differentiation is "well" '
                "(small cell carcinoma is a poorly differentiated NEC)",
            )
        )
    if liver.lesions == 0:
        for name in ("bilobar", "dominant_lesion", "near_vital_structures"):
            if getattr(liver, name) is True:
                errors.append((f"liver.{name}", "cannot be true when liver.lesions is 0"))
        for name in ("max_diameter_cm", "resectable_percent"):
            if getattr(liver, name) is not None:
                errors.append((f"liver.{name}", "must be null when liver.lesions is 0"))
        if liver.involvement_percent:
            errors.append(("liver.involvement_percent", "must be 0 or null when liver.lesions is 0"))
    if x.perihilar_nodes_only is True and (x.peritoneal is True or x.extra_abdominal is True):
        errors.append(
            ("extrahepatic.perihilar_nodes_only", "cannot be true together with peritoneal or extra_abdominal disease")
        )
    if x.pci is not None:
        if x.peritoneal is False and x.pci > 0:
            errors.append(("extrahepatic.pci", "cannot be above 0 when extrahepatic.peritoneal is false"))
        if x.peritoneal is True and x.pci == 0:
            errors.append(("extrahepatic.pci", "cannot be 0 when extrahepatic.peritoneal is true"))
    if {h.echo_done, w.echocardiogram} == {True, False}:
        errors.append(("workup.echocardiogram", "contradicts heart.echo_done (one is true, the other false)"))
    if w.nt_probnp is False and h.nt_probnp_pg_ml is not None:
        errors.append(("workup.nt_probnp", "cannot be false when heart.nt_probnp_pg_ml is given"))
    return errors
