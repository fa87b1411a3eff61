"""Fetch-or-403 helpers for patients and cases: the only way views load them."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from cases.access import Action, can
from cases.patients.models import Case, Patient


def require(user, action: Action) -> None:
    """Raise PermissionDenied unless USER may perform ACTION."""
    if not can(user, action):
        raise PermissionDenied(f"Your role does not allow you to {action}.")


def get_patient(user, public_id, action: Action = Action.VIEW_PATIENT_DATA) -> Patient:
    """Return the patient, or 403 without revealing whether it exists, or 404."""
    require(user, action)
    return get_object_or_404(Patient, public_id=public_id)


def get_case(user, public_id, action: Action = Action.VIEW_PATIENT_DATA) -> Case:
    """Return the case with its patient, or 403 / 404."""
    require(user, action)
    return get_object_or_404(Case.objects.select_related("patient"), public_id=public_id)
