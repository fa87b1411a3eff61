"""`manage.py export_pdf (--case PUBLIC_ID | --meeting PUBLIC_ID) -o FILE`: PDFs for batch use.

A case gives its MDT summary (the stored PDF of its latest signed decision, byte for byte: PAdES-signed, so
pdfsig reports it valid), a meeting its outcome pack. An unknown or malformed id exits with status 2 and a
message naming it; a signed decision whose stored PDF has gone exits with status 1 (an integrity failure:
nothing is rendered in its place) and writes no file.
"""

import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.meetings.models import Meeting
from cases.patients.models import Case
from cases.reports.summary import MissingSignedRecord, render_meeting_pack, summary_for_case


class Command(BaseCommand):
    help = "Write a case's MDT summary or a meeting's outcome pack to a PDF file."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--case", metavar="PUBLIC_ID", help="the case's public id (UUID)")
        target.add_argument("--meeting", metavar="PUBLIC_ID", help="the meeting's public id (UUID)")
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the PDF file to write")

    def handle(self, *args, case=None, meeting=None, output=None, **options):
        kind, raw = ("case", case) if case else ("meeting", meeting)
        try:
            public_id = uuid.UUID(raw)
        except ValueError:
            raise CommandError(f"--{kind} must be a UUID, got {raw!r}", returncode=2) from None
        model = Case if kind == "case" else Meeting
        target = model.objects.filter(public_id=public_id).first()
        if target is None:
            raise CommandError(f"no {kind} with public id {public_id}", returncode=2)
        try:
            pdf = summary_for_case(target) if kind == "case" else render_meeting_pack(target)
        except MissingSignedRecord as exc:
            raise CommandError(
                f"integrity failure: signed decision {exc.decision.public_id} has lost its signed PDF; it is not "
                "rendered again (restore it from a backup, see manage.py verify_records)",
                returncode=1,
            ) from None
        path = Path(output)
        try:
            path.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}", returncode=2) from exc
        self.stdout.write(f"wrote {path} ({len(pdf):,} bytes)")
