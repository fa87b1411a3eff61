"""The patient list's rows written in Python: a search for a common name fills a page, and the template engine
spent more on its rows than the indexed search did (bench/scale.py, issue 14)."""

from django import template
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe

from cases.forms import shown
from cases.links import ANY, link_maker

register = template.Library()


@register.simple_tag
def patient_rows(patients) -> SafeString:
    """Write patients/_patient_row.html for each of PATIENTS (each with its `case_count`) without the template
    engine; the template is the reference (tests/patients/test_patient_rows.py compares them). The detail URL
    is reversed once for the page (cases.links)."""
    url = link_maker("patients:patient_detail", public_id=ANY)
    return mark_safe(  # noqa: S308 (every value escaped as the template escapes it)
        "".join(
            f'\n<tr>\n<td><a href="{url(patient.public_id)}">{shown(patient.family_name.upper())}, '
            f"{shown(patient.given_name)}</a></td>\n"
            f"<td>{shown(patient.hospital_number)}</td>\n"
            f"<td>{shown(dateformat.format(patient.date_of_birth, 'd M Y'))}</td>\n"
            f"<td>{shown(patient.case_count)}</td>\n</tr>\n"
            for patient in patients
        )
    )
