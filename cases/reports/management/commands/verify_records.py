"""`manage.py verify_records`: does the signed record still hold? Exit 0 when it all holds, 1 otherwise.

Checks every signed decision (its content against its SHA-256, the key's signature over its statement, its
link in the chain of signed decisions, its stored PDF: present, its SHA-256, a valid PAdES signature by the
installation's key covering the whole file, carrying the signed content), every stored letter (its SHA-256,
its PAdES signature, the decision's signed content it carries) and the access log's chain (no
gap, every link, every signature). Prints one line per problem, naming records by UUID or chain position
only, then a summary with the head of each chain (note it: a chain cut off at its end shows against it).
"""

from django.core.management.base import BaseCommand

from cases.reports.integrity import verify_records


class Command(BaseCommand):
    help = "Check signed decisions, their PDFs and the access log; exit 1 if anything does not hold."

    def handle(self, *args, **options):
        report = verify_records()
        for finding in report.findings:
            self.stdout.write(f"PROBLEM {finding}")
        self.stdout.write(
            f"Checked {report.decisions} signed decisions ({report.before_keys} signed before keyed signatures, "
            f"hash only), {report.pdfs} stored PDFs and {report.log_entries} access log entries "
            f"({report.unsigned_log_entries} written before the log was signed)."
        )
        self.stdout.write(f"Checked {report.letters} stored letters (to GPs and referrers).")
        for chain, (position, digest) in report.heads.items():
            self.stdout.write(f"Head of the {chain} chain: position {position}, SHA-256 {digest}")
        if report.holds:
            self.stdout.write(self.style.SUCCESS("All records hold."))
            return
        self.stdout.write(self.style.ERROR(f"{len(report.findings)} problems: the record does not hold."))
        raise SystemExit(1)
