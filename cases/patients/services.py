"""Writes of the patients app with their side effects: a patient's searchable name kept with the patient, and the
import of a checked file (cases/patients/imports.py).

Each function is one transaction with what it derives and the history it writes (django-simple-history, an
import's file name as the change reason), so that a patient is never saved without its search words, nor imported
without the record of where it came from.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cases.patients.imports import Action, Row, check_rows, count, read_file
from cases.patients.models import ImportStatus, Patient, PatientImport, PatientNameWord
from cases.patients.search import search_text

# simple-history's change reason column holds 100 characters.
REASON_LENGTH = 100


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


class ImportAlreadyDone(Exception):
    """The checked file was imported already (a second click, or two app servers at once)."""


def check_import(file_name: str, data: bytes, user) -> PatientImport:
    """Parse and check DATA (the uploaded FILE_NAME) row by row and keep the result for USER to confirm.

    Raises cases.patients.imports.ImportFileError for a file that cannot be read as a whole. Writes only the
    pending import (the dry run), never a patient; deletes the pending imports whose time is up.
    """
    rows = check_rows(read_file(file_name, data))
    now = timezone.now()
    with transaction.atomic():
        delete_expired_imports(now)
        return PatientImport.objects.create(
            file_name=file_name[-255:],
            uploaded_by=user,
            rows=[row.as_dict() for row in rows],
            counts=count(rows),
            expires_at=now + timedelta(hours=settings.JOB_RESULT_HOURS),
        )


def delete_expired_imports(now=None) -> int:
    """Delete the checked imports (their rows are patient data) whose time is up; return how many."""
    deleted, _ = PatientImport.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def change_reason(file_name: str) -> str:
    prefix = "Imported from "
    return prefix + file_name[-(REASON_LENGTH - len(prefix)) :]


def import_patients(pending: PatientImport, user) -> dict[str, int]:
    """Write the checked rows of PENDING as USER, in one transaction; return how many rows had each action.

    Every row is checked again against the patients registered now (someone may have registered or changed
    one since the dry run): what would now be refused is refused, and nothing else changes. Rows refused by
    the dry run stay refused. Raises ImportAlreadyDone when PENDING was imported already.
    """
    reason = change_reason(pending.file_name)
    with transaction.atomic():
        pending = PatientImport.objects.select_for_update().get(pk=pending.pk)
        if pending.status != ImportStatus.PENDING:
            raise ImportAlreadyDone(f"patient import {pending.public_id} was imported already")
        rows = []
        for stored in pending.rows:
            row = Row(**stored)
            if stored["action"] == Action.REFUSE:
                row.problems = [stored["reason"]]
            rows.append(row)
        rows = check_rows(rows)
        creates = [
            with_search_name(
                Patient(
                    hospital_number=row.hospital_number,
                    family_name=row.family_name,
                    given_name=row.given_name,
                    date_of_birth=row.date_of_birth,
                    sex=row.sex,
                )
            )
            for row in rows
            if row.action == Action.CREATE
        ]
        created = bulk_create_with_history(
            creates, Patient, batch_size=500, default_user=user, default_change_reason=reason
        )
        # The search finds an imported patient like one registered by hand (save_patient's words).
        PatientNameWord.objects.bulk_create(name_words(created), batch_size=2000)
        sex_of = {row.hospital_number: row.sex for row in rows if row.action == Action.UPDATE}
        updates = list(Patient.objects.filter(hospital_number__in=list(sex_of)))
        now = timezone.now()
        for patient in updates:
            patient.sex, patient.updated_at = sex_of[patient.hospital_number], now
        bulk_update_with_history(
            updates, Patient, ["sex", "updated_at"], batch_size=500, default_user=user, default_change_reason=reason
        )
        done = count(rows)
        pending.status, pending.imported_at, pending.imported_counts = ImportStatus.IMPORTED, now, done
        pending.rows = [row.as_dict() for row in rows]
        pending.save(update_fields=["status", "imported_at", "imported_counts", "rows"])
    return done
