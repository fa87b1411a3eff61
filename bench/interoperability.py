"""Benchmark of the FHIR export and the patient import (issue 21).

In a throwaway SQLite file (as `make run`), prints:
  - the export of one signed decision as a FHIR R4 Bundle, validated with the R4B models (median of 30, with
    the signed PDF in it: WeasyPrint and PAdES as at sign-off), and of a meeting with 30 signed decisions;
  - the import of 10,000 patients from a CSV file and from a FHIR Bundle: the dry run (parse and check every
    row) and the confirmed import (one transaction, history with the file's name), each timed.

    .venv/bin/python bench/interoperability.py

Budget: 10,000 rows imported in ≤ 10 s on SQLite (dry run and import together).
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinen_mdt.settings")
_dir = tempfile.mkdtemp(prefix="sinen-fhir-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{_dir}/bench.sqlite3"
os.environ["SIGNING_KEY_FILE"] = f"{_dir}/signing-key.pem"
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from bench.board import seed_board  # noqa: E402
from cases.meetings import services  # noqa: E402
from cases.meetings.models import Decision  # noqa: E402
from cases.patients.models import Patient  # noqa: E402
from cases.patients.services import check_import, import_patients  # noqa: E402
from cases.reports.fhir import decision_bundle, meeting_bundle, to_json  # noqa: E402

CASES = 30
ROWS = 10_000


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def birth_date(n: int) -> str:
    return f"19{n % 90 + 10:02d}-0{n % 9 + 1}-1{n % 9}"


def csv_file(prefix: str) -> bytes:
    lines = ["hospital_number,family_name,given_names,date_of_birth,sex"]
    lines += [
        f"{prefix}{n:06d},Family{n},Given Middle,19{n % 90 + 10:02d}-0{n % 9 + 1}-1{n % 9},F" for n in range(ROWS)
    ]
    return ("\n".join(lines) + "\n").encode()


def fhir_file(prefix: str) -> bytes:
    entries = [
        {
            "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": settings.FHIR_HOSPITAL_NUMBER_SYSTEM, "value": f"{prefix}{n:06d}"}],
                "name": [{"use": "official", "family": f"Family{n}", "given": ["Given", "Middle"]}],
                "birthDate": birth_date(n),
                "gender": "male",
            }
        }
        for n in range(ROWS)
    ]
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}).encode()


def bench_import(name: str, data: bytes, user) -> None:
    checked_in, pending = timed(lambda: check_import(name, data, user))
    imported_in, done = timed(lambda: import_patients(pending, user))
    again_in, again = timed(lambda: check_import(name, data, user))
    print(
        f"  {name} ({len(data) / 1024 / 1024:.1f} MB): dry run {checked_in:.2f} s, import {imported_in:.2f} s "
        f"(total {checked_in + imported_in:.2f} s; {done['create']:,} created); "
        f"dry run of the same file again {again_in:.2f} s ({again.counts['unchanged']:,} unchanged)"
    )


def main() -> None:
    meeting = seed_board(CASES)
    chair = meeting.chair
    print(f"Signing {CASES} decisions (WeasyPrint and PAdES, as at sign-off)...")
    for draft in Decision.objects.filter(agenda_item__meeting=meeting):
        services.sign_decision(draft, chair, draft.lock_version)
    decisions = list(
        Decision.objects.filter(agenda_item__meeting=meeting).select_related(
            "agenda_item__meeting", "agenda_item__case__patient", "author", "signed_by", "amends"
        )
    )
    times, size = [], 0
    for decision in decisions:
        seconds, data = timed(lambda decision=decision: to_json(decision_bundle(decision)))
        times.append(seconds)
        size = len(data)
    print("FHIR export (validated with fhir.resources R4B, serialised):")
    median, longest = statistics.median(times) * 1000, max(times) * 1000
    print(f"  one decision: median {median:.0f} ms, max {longest:.0f} ms ({size / 1024:.0f} KB)")
    seconds, data = timed(lambda: to_json(meeting_bundle(meeting)))
    print(f"  meeting of {CASES} signed decisions: {seconds:.2f} s ({len(data) / 1024 / 1024:.1f} MB)")
    print(f"Import of {ROWS:,} patients (SQLite, one transaction each; budget 10 s):")
    bench_import("patients.csv", csv_file("C"), chair)
    bench_import("patients.json", fhir_file("F"), chair)
    print(f"  patients now: {Patient.objects.count():,}")


if __name__ == "__main__":
    main()
