"""Registering and listing patients and cases; who may do what. Searching: test_patient_search.py; the pages of
the lists: test_keyset_pagination.py."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.patients.models import Case, Patient
from tests.patients.factories import make_case, make_patient

pytestmark = pytest.mark.django_db

NEW_PATIENT = {
    "hospital_number": "h123456",
    "family_name": "Lindqvist",
    "given_name": "Karin",
    "date_of_birth": "1961-04-02",
    "sex": "female",
}


def test_a_coordinator_registers_a_patient_and_goes_on_to_the_case(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("patients:patient_create"), NEW_PATIENT)
    patient = Patient.objects.get()
    assert patient.hospital_number == "H123456"
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:case_create", kwargs={"public_id": patient.public_id})


def test_then_creates_the_case_and_lands_on_the_pathway(client, coordinator):
    patient = make_patient()
    client.force_login(coordinator)
    response = client.post(
        reverse("patients:case_create", kwargs={"public_id": patient.public_id}),
        {"referral_date": "2026-11-02", "referring_clinician": "Dr A", "question": "Resect?", "status": "draft"},
    )
    case = Case.objects.get()
    assert case.patient == patient
    assert case.created_by == coordinator
    assert response["Location"] == reverse("pathways:start", kwargs={"public_id": case.public_id})


def test_a_date_of_birth_in_the_future_is_refused_and_what_was_typed_is_kept(client, coordinator):
    client.force_login(coordinator)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(reverse("patients:patient_create"), {**NEW_PATIENT, "date_of_birth": tomorrow.isoformat()})
    assert response.status_code == 422
    assert "The date of birth cannot be in the future" in response.context["form"].errors["date_of_birth"][0]
    assert 'value="Lindqvist"' in response.content.decode()
    assert not Patient.objects.exists()


def test_a_duplicate_hospital_number_is_refused(client, coordinator):
    make_patient(hospital_number="H123456")
    client.force_login(coordinator)
    response = client.post(reverse("patients:patient_create"), NEW_PATIENT)
    assert response.status_code == 422
    assert "Patient with this Hospital number already exists." in response.context["form"].errors["hospital_number"]
    assert Patient.objects.count() == 1


def test_a_future_referral_date_is_refused(client, coordinator):
    patient = make_patient()
    client.force_login(coordinator)
    response = client.post(
        reverse("patients:case_create", kwargs={"public_id": patient.public_id}),
        {
            "referral_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "referring_clinician": "Dr A",
            "question": "Resect?",
            "status": "draft",
        },
    )
    assert response.status_code == 422
    assert not Case.objects.exists()


@pytest.mark.parametrize("user_fixture", ["viewer", "clinician", "content_editor", "no_role_user"])
def test_only_coordinators_and_chairs_register_patients(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.post(reverse("patients:patient_create"), NEW_PATIENT).status_code == 403
    assert not Patient.objects.exists()


def test_a_viewer_cannot_edit_a_patient(client, viewer):
    patient = make_patient(family_name="Original")
    client.force_login(viewer)
    response = client.post(
        reverse("patients:patient_edit", kwargs={"public_id": patient.public_id}), {**NEW_PATIENT, "family_name": "X"}
    )
    assert response.status_code == 403
    patient.refresh_from_db()
    assert patient.family_name == "Original"


@pytest.mark.parametrize("user_fixture", ["content_editor", "no_role_user"])
def test_content_editors_and_users_without_a_role_see_no_patient_data(client, request, user_fixture):
    patient = make_patient()
    case = make_case(patient=patient)
    client.force_login(request.getfixturevalue(user_fixture))
    for url in (
        reverse("patients:patient_list"),
        reverse("patients:case_list"),
        patient.get_absolute_url(),
        case.get_absolute_url(),
    ):
        assert client.get(url).status_code == 403, url


def test_list_pages_make_the_same_number_of_queries_whatever_the_size(client, clinician):
    client.force_login(clinician)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for _ in range(3):
        make_case(patient=make_patient())
    small = (count(reverse("patients:patient_list")), count(reverse("patients:case_list")))
    for _ in range(40):
        make_case(patient=make_patient())
    large = (count(reverse("patients:patient_list")), count(reverse("patients:case_list")))
    assert small == large
    assert max(large) <= 10


def test_the_case_list_filters_by_status(client, clinician):
    make_case(question="Draft question")
    make_case(question="Ready question", status="ready")
    client.force_login(clinician)
    page = client.get(reverse("patients:case_list") + "?status=ready").content.decode()
    assert "Ready question" in page
    assert "Draft question" not in page
    everything = client.get(reverse("patients:case_list") + "?status=nonsense")
    assert everything.status_code == 200
    assert "Select a valid choice." in everything.content.decode()


def test_the_case_page_shows_findings_and_the_assessment(client, viewer):
    case = make_case(primary_site="jejunum", primary_size_cm="0.9", primary_invasion="submucosa", positive_nodes=None)
    client.force_login(viewer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Jejunum" in page
    assert "0.9 cm" in page
    assert 'data-testid="tnm">T1 NX M?</dd>' in page
    assert "Edit case details" not in page


def test_the_patient_page_lists_the_cases(client, viewer):
    patient = make_patient(date_of_birth=date(1950, 5, 6))
    make_case(patient=patient, question="What next after resection?")
    client.force_login(viewer)
    page = client.get(patient.get_absolute_url()).content.decode()
    assert "What next after resection?" in page
    assert "06 May 1950" in page
