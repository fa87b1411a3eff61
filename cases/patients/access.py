"""Fetch-or-403 helpers for patients and cases: the only way views load them."""

from django.shortcuts import get_object_or_404

from cases.access import Action, require
from cases.patients.models import Case, Patient


def get_patient(user, public_id, action: Action = Action.VIEW_PATIENT_DATA) -> Patient:
    """Return the patient, or 403 without revealing whether it exists, or 404."""
    require(user, action)
    return get_object_or_404(Patient, public_id=public_id)


def get_case(user, public_id, action: Action = Action.VIEW_PATIENT_DATA) -> Case:
    """Return the case with its patient, or 403 / 404."""
    require(user, action)
    return get_object_or_404(Case.objects.select_related("patient"), public_id=public_id)
