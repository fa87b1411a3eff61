"""`manage.py import_patients FILE [--dry-run] [--user USERNAME]`: register patients from FHIR or CSV.

The file is checked row by row as on the upload page (cases/patients/imports.py) and the result printed:
how many rows would be created, updated, left unchanged or refused, and every refused row with its reason.
Without --dry-run the rows are then imported in one transaction, with the file's name (and --user, if
given) in each patient's history. A file that cannot be read as a whole exits with status 2 and imports
nothing.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.patients.imports import MAX_BYTES, Action, ImportFileError
from cases.patients.services import check_import, import_patients


class Command(BaseCommand):
    help = "Register patients from a FHIR Bundle of Patients, a single Patient or a CSV file (docs/fhir.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="a .json (FHIR) or .csv file, at most 10 MB")
        parser.add_argument("--dry-run", action="store_true", help="check and print, import nothing")
        parser.add_argument("--user", metavar="USERNAME", help="whom the patients' history names as the importer")

    def handle(self, *args, file=None, dry_run=False, user=None, **options):
        path = Path(file)
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"no user {user!r}", returncode=2)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise CommandError(
                    f"{path.name}: the file is {size / 1024 / 1024:.1f} MB; at most {MAX_BYTES // 1024 // 1024} MB "
                    "is accepted (split it)",
                    returncode=2,
                )
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}", returncode=2) from None
        try:
            pending = check_import(path.name, data, importer)
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc} Nothing imported.", returncode=2) from None
        counts = pending.counts
        self.stdout.write(
            f"{path.name}: {counts['create']} to create, {counts['update']} to update, "
            f"{counts['unchanged']} unchanged, {counts['refuse']} refused"
        )
        for row in pending.rows:
            if row["action"] == Action.REFUSE:
                self.stdout.write(f"  refused {row['row']}: {row['reason']}")
        if dry_run:
            self.stdout.write("dry run: nothing imported")
            return
        done = import_patients(pending, importer)
        self.stdout.write(
            f"imported: {done['create']} created, {done['update']} updated, {done['unchanged']} unchanged, "
            f"{done['refuse']} refused"
        )
