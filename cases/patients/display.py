"""How findings read on screen and in reports: Yes / No / Unknown, choice labels, numbers with units."""

from decimal import Decimal

from cases.patients.models import Case

UNITS = {
    "primary_size_cm": "cm",
    "mesenteric_mass_cm": "cm",
    "liver_max_diameter_cm": "cm",
    "liver_involvement_percent": "%",
    "liver_resectable_percent": "%",
    "ki67_percent": "%",
    "nt_probnp_pg_ml": "pg/mL",
    "mitoses_per_2mm2": "per 2 mm²",
    "stable_months": "months",
}


def finding_display(field_name: str, value) -> str:
    """Return VALUE of the finding FIELD_NAME as a person reads it."""
    if value is None or value == "":
        return "Unknown"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    field = Case._meta.get_field(field_name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    unit = UNITS.get(field_name)
    return f"{value} {unit}" if unit else str(value)


def findings_by_step(case) -> list[tuple]:
    """Return [(step, [(label, value shown)])] for the steps that apply to CASE, in pathway order."""
    return [
        (step, [(label_of(name), finding_display(name, getattr(case, name))) for name in step.fields])
        for step in steps_with_findings(case)
    ]


def recorded_findings_by_step(case) -> list[tuple]:
    """Return [(step, [(label, value shown)], [labels of findings not recorded])] for the printed record.

    The record lists what was known as label and value, and what was not in one line per step, so an
    auditor sees both without reading a row of "Unknown" per missing finding.
    """
    steps = []
    for step in steps_with_findings(case):
        recorded, not_recorded = [], []
        for name in step.fields:
            value = getattr(case, name)
            if value is None or value == "":
                not_recorded.append(label_of(name))
            else:
                recorded.append((label_of(name), finding_display(name, value)))
        steps.append((step, recorded, not_recorded))
    return steps


def steps_with_findings(case) -> list:
    """Return the pathway steps that record findings and apply to CASE, in pathway order."""
    from cases.pathways.steps import STEPS

    return [step for step in STEPS if step.fields and step.applies(case)]


def label_of(field_name: str) -> str:
    """Return the finding's label as shown next to its value ("Ki-67 index (%)")."""
    verbose = str(Case._meta.get_field(field_name).verbose_name)
    return verbose[:1].upper() + verbose[1:]
