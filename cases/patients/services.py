"""Writes of the patients app that keep derived rows with them: a patient's searchable name."""

from collections.abc import Iterable

from django.db import transaction

from cases.patients.models import Patient, PatientNameWord
from cases.patients.search import search_text


def with_search_name(patient: Patient) -> Patient:
    """Set PATIENT's search name from its names (for bulk creation; save_patient does it for one)."""
    patient.search_name = search_text(patient.family_name, patient.given_name)
    return patient


def name_words(patients: Iterable[Patient]) -> list[PatientNameWord]:
    """Return the word rows of saved PATIENTS' search names."""
    return [
        PatientNameWord(patient=patient, word=word)
        for patient in patients
        for word in dict.fromkeys(patient.search_name.split())
    ]


def save_patient(patient: Patient) -> Patient:
    """Save PATIENT (new or changed) with its search name and words, in one transaction with its history row."""
    with transaction.atomic():
        with_search_name(patient).save()
        PatientNameWord.objects.filter(patient=patient).delete()
        PatientNameWord.objects.bulk_create(name_words([patient]))
    return patient
