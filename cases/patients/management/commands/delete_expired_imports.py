"""`manage.py delete_expired_imports`: delete checked patient imports past their time, with their rows.

The rows of a checked file are patient data, kept `JOB_RESULT_HOURS` after the upload for the coordinator
to confirm (docs/fhir.md). Every new upload deletes expired ones too; schedule this command beside
`delete_expired_jobs` so that nothing outlives its time on a quiet day.
"""

from django.core.management.base import BaseCommand

from cases.patients.services import delete_expired_imports


class Command(BaseCommand):
    help = "Delete checked patient imports (their rows are patient data) once JOB_RESULT_HOURS have passed."

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {delete_expired_imports()} expired patient import(s)")
