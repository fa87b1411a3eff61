"""How findings read on screen and in reports: Yes / No / Unknown, choice labels, numbers with units.

Grouped by pathway step in cases.pathways.steps (findings_by_step), which knows the steps.
"""

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


def label_of(field_name: str) -> str:
    """Return the finding's label as shown next to its value ("Ki-67 index (%)")."""
    verbose = str(Case._meta.get_field(field_name).verbose_name)
    return verbose[:1].upper() + verbose[1:]
