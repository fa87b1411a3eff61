"""How findings read on screen and in reports: Yes / No / Unknown, choice labels, numbers with units, dates,
and a patient's age on the day of the board.

Grouped by pathway step in cases.pathways.steps (findings_by_step), which knows the steps.
"""

from datetime import date
from decimal import Decimal

from cases.numbers import plain_number
from cases.patients.models import Case, Patient

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
# Laboratory values are in the unit recorded with them (value and upper limit of normal share it).
UNIT_FIELDS = {
    "chromogranin_a_value": "chromogranin_a_unit",
    "chromogranin_a_uln": "chromogranin_a_unit",
    "urine_5hiaa_value": "urine_5hiaa_unit",
    "urine_5hiaa_uln": "urine_5hiaa_unit",
}


def finding_display(field_name: str, value, case: Case | None = None) -> str:
    """Return VALUE of the finding FIELD_NAME as a person reads it (a laboratory value with CASE's unit)."""
    if value is None or value == "":
        return "Unknown"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    field = Case._meta.get_field(field_name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        value = plain_number(value)
    unit = UNITS.get(field_name)
    if field_name in UNIT_FIELDS and case is not None:
        unit_field = UNIT_FIELDS[field_name]
        stored = getattr(case, unit_field)
        unit = str(dict(Case._meta.get_field(unit_field).flatchoices).get(stored, "")) if stored else ""
    return f"{value} {unit}" if unit else str(value)


def label_of(field_name: str) -> str:
    """Return the finding's label as shown next to its value ("Ki-67 index (%)")."""
    verbose = str(Case._meta.get_field(field_name).verbose_name)
    return verbose[:1].upper() + verbose[1:]


def years_text(patient: Patient, day: date) -> str:
    """Return the patient's age on DAY: "65 years"."""
    years = patient.age_on(day)
    return f"{years} year{'' if years == 1 else 's'}"


def age_text(patient: Patient, day: date, meeting_day: bool) -> str:
    """Return the patient's age on DAY in words: "65 years at the meeting of 03 Jun 2026", or "65 years today"."""
    return f"{years_text(patient, day)} {f'at the meeting of {day:%d %b %Y}' if meeting_day else 'today'}"
