"""`manage.py export_pdf (--case PUBLIC_ID | --meeting PUBLIC_ID) -o FILE`: PDFs for batch use.

A case gives its MDT summary (the stored PDF of its latest signed decision, byte for byte), a meeting
its outcome pack. An unknown or malformed id exits with status 2 and a message naming it.
"""

import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.meetings.models import Meeting
from cases.patients.models import Case
from cases.reports.summary import render_meeting_pack, summary_for_case


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
        pdf = summary_for_case(target) if kind == "case" else render_meeting_pack(target)
        path = Path(output)
        try:
            path.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}", returncode=2) from exc
        self.stdout.write(f"wrote {path} ({len(pdf):,} bytes)")
