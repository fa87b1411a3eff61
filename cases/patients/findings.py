"""The map between a Case's finding fields and the engine's facts, and the ranges they share.

Each clinical finding is one model field that maps to one engine fact (`group.key` in the JSON
contract of `manage.py recommend`). The plausibility ranges and allowed values come from the engine's
field specs, so the form, the database constraint and the JSON command accept exactly the same values.
"""

from dataclasses import fields
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q
from django.utils.deconstruct import deconstructible

from cases.pathways.engine.facts import GROUPS, Spec

# model field -> engine fact path. Two facts are derived rather than stored (see case_facts below):
# patient.age (from the date of birth) and workup.nt_probnp (a value proves the test was done);
# heart.echo_done and workup.echocardiogram are the same finding.
FACT_OF_FIELD: dict[str, str] = {
    # 1 presentation
    "symptomatic": "primary.symptomatic",
    "carcinoid_syndrome": "syndrome.carcinoid_syndrome",
    "emergency_presentation": "primary.emergency_presentation",
    "family_history": "patient.family_history",
    "ecog": "patient.ecog",
    "major_comorbidity": "patient.major_comorbidity",
    # 2 biochemistry
    "chromogranin_a_measured": "workup.chromogranin_a",
    "urine_5hiaa_measured": "workup.urine_5hiaa",
    "urine_5hiaa_elevated": "syndrome.urine_5hiaa_elevated",
    "nt_probnp_pg_ml": "heart.nt_probnp_pg_ml",
    "chromogranin_a_value": "biochemistry.chromogranin_a",
    "chromogranin_a_unit": "biochemistry.chromogranin_a_unit",
    "chromogranin_a_uln": "biochemistry.chromogranin_a_uln",
    "chromogranin_a_elevated": "biochemistry.chromogranin_a_elevated",
    "urine_5hiaa_value": "biochemistry.urine_5hiaa",
    "urine_5hiaa_unit": "biochemistry.urine_5hiaa_unit",
    "urine_5hiaa_uln": "biochemistry.urine_5hiaa_uln",
    # 3 cross-sectional imaging
    "ct_or_mri_done": "workup.ct_or_mri",
    "primary_site": "primary.site",
    "primary_size_cm": "primary.size_cm",
    "multifocal": "primary.multifocal",
    "mesenteric_mass_cm": "nodes.mass_cm",
    "encases_mesenteric_vessels": "nodes.encases_mesenteric_vessels",
    "mesenteric_stage": "nodes.mesenteric_stage",
    "liver_lesions": "liver.lesions",
    "liver_max_diameter_cm": "liver.max_diameter_cm",
    "liver_bilobar": "liver.bilobar",
    "liver_dominant_lesion": "liver.dominant_lesion",
    "liver_involvement_percent": "liver.involvement_percent",
    "peritoneal": "extrahepatic.peritoneal",
    "pci": "extrahepatic.pci",
    "extra_abdominal": "extrahepatic.extra_abdominal",
    "perihilar_nodes_only": "extrahepatic.perihilar_nodes_only",
    "extrahepatic_progressive": "extrahepatic.progressive",
    # 4 functional imaging
    "sstr_imaging_done": "workup.sstr_imaging",
    "fdg_pet_done": "workup.fdg_pet",
    # 5 histology and grade
    "histology_available": "workup.histology",
    "differentiation": "pathology.differentiation",
    "ki67_percent": "pathology.ki67_percent",
    "ki67_specimen": "pathology.ki67_specimen",
    "mitoses_per_2mm2": "pathology.mitoses_per_2mm2",
    "small_cell": "pathology.small_cell",
    "primary_invasion": "primary.invasion",
    "primary_resected": "primary.resected",
    "resection_margin": "primary.margin",
    "positive_nodes": "nodes.positive",
    "nodes_examined": "nodes.examined",
    # 6 cardiac assessment
    "echo_done": "heart.echo_done",
    "carcinoid_heart_disease": "heart.carcinoid_heart_disease",
    "right_heart_failure": "heart.right_heart_failure",
    # 7 liver detail
    "liver_near_vital_structures": "liver.near_vital_structures",
    "portal_vein_thrombosis": "liver.portal_vein_thrombosis",
    "liver_failure": "liver.liver_failure",
    "biliary_enteric_anastomosis": "liver.biliary_enteric_anastomosis",
    "hepatopulmonary_shunt": "liver.hepatopulmonary_shunt",
    "liver_resectable_percent": "liver.resectable_percent",
    "stable_months": "liver.stable_months",
    "portal_venous_drainage": "primary.portal_venous_drainage",
}
FIELD_OF_FACT: dict[str, str] = {fact: name for name, fact in FACT_OF_FIELD.items()}
DERIVED_FACTS = {"patient.age", "workup.nt_probnp", "workup.echocardiogram"}
_SPECS: dict[str, Spec] = {
    f"{group}.{f.name}": f.metadata["spec"] for group, cls in GROUPS.items() for f in fields(cls)
}


def spec_of(field_name: str) -> Spec:
    """Return the engine's spec (type, range, choices) for a finding field."""
    return _SPECS[FACT_OF_FIELD[field_name]]


def _number(value) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def range_text(field_name: str) -> str:
    """Return the allowed range in words, e.g. 'more than 0 up to 30'."""
    spec = spec_of(field_name)
    if spec.lo_exclusive:
        return f"more than {_number(spec.lo)} up to {_number(spec.hi)}"
    return f"{_number(spec.lo)} to {_number(spec.hi)}"


@deconstructible
class FindingRange:
    """Validator enforcing the engine's range for a finding, naming what is allowed."""

    def __init__(self, field_name: str) -> None:
        self.field_name = field_name

    def __call__(self, value) -> None:
        if value is None:
            return
        spec = spec_of(self.field_name)
        too_low = value <= spec.lo if spec.lo_exclusive else value < spec.lo
        if too_low or value > spec.hi:
            raise ValidationError(
                "Enter a value from %(allowed)s (you entered %(value)s).",
                code="out_of_range",
                params={"allowed": range_text(self.field_name), "value": value},
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, FindingRange) and other.field_name == self.field_name

    def __hash__(self) -> int:
        return hash(self.field_name)


def range_validator(field_name: str) -> FindingRange:
    """Return the validator for FIELD_NAME's range."""
    return FindingRange(field_name)


def range_constraint(model_name: str, field_name: str) -> CheckConstraint:
    """Return the database CheckConstraint for a numeric finding: null (unknown) or inside the range."""
    spec = spec_of(field_name)
    low = {f"{field_name}__gt" if spec.lo_exclusive else f"{field_name}__gte": spec.lo}
    return CheckConstraint(
        condition=Q(**{f"{field_name}__isnull": True}) | (Q(**low) & Q(**{f"{field_name}__lte": spec.hi})),
        name=f"{model_name}_{field_name}_in_range",
    )


def choices_constraint(model_name: str, field_name: str, choices) -> CheckConstraint:
    """Return the CheckConstraint that keeps an enumerated finding to its choices (or null)."""
    return CheckConstraint(
        condition=Q(**{f"{field_name}__isnull": True}) | Q(**{f"{field_name}__in": [value for value, _ in choices]}),
        name=f"{model_name}_{field_name}_valid",
    )


# (model field, group, key) for each finding: case_facts runs for every case of an impact preview.
_FACT_PLACES = tuple((field_name, *path.split(".")) for field_name, path in FACT_OF_FIELD.items())


def case_facts(case, today) -> dict[str, dict]:
    """Return CASE's findings as the JSON object `manage.py recommend` accepts (unknown = None)."""
    facts: dict[str, dict] = {group: {} for group in GROUPS}
    for field_name, group, key in _FACT_PLACES:
        value = getattr(case, field_name)
        facts[group][key] = float(value) if isinstance(value, Decimal) else value
    facts["patient"]["age"] = case.patient.age_on(today)
    facts["workup"]["echocardiogram"] = case.echo_done
    # A recorded value proves the test was done; no value leaves it unknown (never "not done").
    facts["workup"]["nt_probnp"] = True if case.nt_probnp_pg_ml is not None else None
    return facts
