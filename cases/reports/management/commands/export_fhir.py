"""`manage.py export_fhir (--decision PUBLIC_ID | --meeting PUBLIC_ID) [-o FILE]`: the signed outcome as FHIR R4.

A decision gives the collection Bundle of that signed decision; a meeting one Bundle with every signed
decision of the meeting (docs/fhir.md). Written to FILE, or to standard output without -o. An unknown or
malformed id, or an unsigned decision, exits with status 2 and a message naming it; a signed decision whose
record no longer holds (content hash, key signature or PDF) exits with status 1 and writes nothing.
"""

import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.meetings.models import Decision, Meeting
from cases.reports.fhir import ExportRefused, decision_bundle, meeting_bundle, to_json


class Command(BaseCommand):
    help = "Write a signed decision, or every signed decision of a meeting, as a FHIR R4 Bundle (JSON)."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--decision", metavar="PUBLIC_ID", help="the signed decision's public id (UUID)")
        target.add_argument("--meeting", metavar="PUBLIC_ID", help="the meeting's public id (UUID)")
        parser.add_argument("-o", "--output", metavar="FILE", help="the JSON file to write (default: standard output)")

    def handle(self, *args, decision=None, meeting=None, output=None, **options):
        kind, raw = ("decision", decision) if decision else ("meeting", meeting)
        try:
            public_id = uuid.UUID(raw)
        except ValueError:
            raise CommandError(f"--{kind} must be a UUID, got {raw!r}", returncode=2) from None
        if kind == "decision":
            target = Decision.objects.select_related("agenda_item__meeting", "agenda_item__case").filter(
                public_id=public_id
            )
        else:
            target = Meeting.objects.filter(public_id=public_id)
        target = target.first()
        if target is None:
            raise CommandError(f"no {kind} with public id {public_id}", returncode=2)
        if kind == "decision" and not target.is_signed:
            raise CommandError(f"decision {public_id} is a draft: only a signed outcome is exported", returncode=2)
        try:
            data = to_json(decision_bundle(target) if kind == "decision" else meeting_bundle(target))
        except ExportRefused as exc:
            raise CommandError(f"integrity failure: {exc}; nothing written", returncode=1) from None
        if output is None:
            self.stdout.write(data.decode())
            return
        path = Path(output)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}", returncode=2) from exc
        self.stdout.write(f"wrote {path} ({len(data):,} bytes)")
