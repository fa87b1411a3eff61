"""The patient list's rows are written in Python by `{% patient_rows %}` (cases/patients/templatetags/patient_tags.py)
where the template engine was slow: they must be exactly what their template (patients/_patient_row.html) writes."""

from datetime import date

import pytest
from django.template import Context, Template
from django.urls import reverse

from cases.patients.templatetags.patient_tags import patient_rows
from tests.patients.factories import make_patient

pytestmark = pytest.mark.django_db

ROW = Template('{% include "patients/_patient_row.html" %}')


def test_each_row_is_written_exactly_as_its_template_writes_it():
    patients = [
        make_patient(family_name="o'Brien <Müller>", given_name="A & B", date_of_birth=date(1931, 2, 9)),
        make_patient(
            family_name="Straße", given_name="Łukasz", hospital_number="X<1>", date_of_birth=date(2001, 12, 31)
        ),
        make_patient(family_name="van der Berg", given_name="Hendrik"),
    ]
    for count, patient in enumerate(patients):
        patient.case_count = count * 1000
    written = patient_rows(patients)
    assert written == "".join(ROW.render(Context({"patient": patient})) for patient in patients)
    assert "O&#x27;BRIEN &lt;MÜLLER&gt;, A &amp; B" in written
    assert "STRASSE, Łukasz" in written and "X&lt;1&gt;" in written
    assert "09 Feb 1931" in written and "31 Dec 2001" in written
    assert f'href="{reverse("patients:patient_detail", kwargs={"public_id": patients[2].public_id})}"' in written


def test_the_search_shows_the_rows(client, coordinator):
    make_patient(family_name="Zündel", given_name="Ada", hospital_number="ZU0001")
    client.force_login(coordinator)
    answer = client.post(reverse("patients:patient_list"), {"q": "zundel"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "ZÜNDEL, Ada" in answer.text and "<td>ZU0001</td>" in answer.text
    assert answer.text.count("<tr>") == 2  # the heading and the one match
