"""Benchmark of sign-off (issue 15): how long the database's write lock is held, what a sign-off costs in
all, and what PAdES signing adds to rendering the PDF.

In a throwaway SQLite file (WAL, BEGIN IMMEDIATE, as `make run`) with 10 stage IV cases and a draft decision
each, prints:
  - the write lock: the longest and the median wait of an unrelated write (a patient's name, in its own
    transaction, from another process, every 2 ms) while decisions are signed one after the other, next to
    the same writes with nothing else going on, and next to the old way (the PDF rendered inside the
    transaction, simulated by rendering under transaction.atomic());
  - the total time of one sign-off (median of 10), from the view's call to the commit;
  - rendering the summary (WeasyPrint) against PAdES-signing it with its attachment (pyHanko), same PDFs.

    .venv/bin/python bench/signoff.py

Budget: a concurrent write waits ≤ 50 ms for a sign-off's lock.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinen_mdt.settings")
_dir = tempfile.mkdtemp(prefix="sinen-signoff-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{_dir}/bench.sqlite3"
os.environ["SIGNING_KEY_FILE"] = f"{_dir}/signing-key.pem"
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.board import seed_board  # noqa: E402
from cases.meetings import services  # noqa: E402
from cases.meetings.models import Decision, Meeting  # noqa: E402
from cases.patients.models import Patient  # noqa: E402
from cases.reports.signing import sign_record_pdf  # noqa: E402
from cases.reports.summary import record_name, render_case_summary, render_signed_summary  # noqa: E402

DECISIONS = 10


def seed() -> tuple[Meeting, User]:
    meeting = seed_board(DECISIONS)
    Patient.objects.create(
        hospital_number="OTHER", family_name="Unrelated", given_name="Write", date_of_birth=date(1970, 1, 1),
        sex="male",
    )  # fmt: skip
    return meeting, meeting.chair


# Another server process writing (not a thread here: it would wait for Python's GIL behind the rendering,
# not only for the database). Plain sqlite3, as the app's connections are set up: busy timeout 5 s, BEGIN
# IMMEDIATE. Writes until the stop file appears, then prints each write's duration in ms.
WRITER = """
import json, os, sqlite3, sys, time
database, patient, stop = sys.argv[1], int(sys.argv[2]), sys.argv[3]
connection = sqlite3.connect(database, timeout=5, isolation_level=None)
waits, n = [], 0
while not os.path.exists(stop):
    started = time.perf_counter()
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:  # "database is locked" after the 5 s busy timeout: a failed write
        waits.append(-1)
        continue
    connection.execute("UPDATE patients_patient SET given_name = ? WHERE id = ?", (f"Write {n}", patient))
    connection.execute("COMMIT")
    waits.append((time.perf_counter() - started) * 1000)
    n += 1
    time.sleep(0.002)
print(json.dumps(waits))
"""


def measure_writes(work) -> list[float]:
    """Run WORK while another process writes an unrelated row every 2 ms; return how long each write took."""
    stop = Path(_dir) / "stop"
    stop.unlink(missing_ok=True)
    patient = Patient.objects.get(hospital_number="OTHER").pk
    database = str(settings.DATABASES["default"]["NAME"])
    writer = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", WRITER, database, str(patient), str(stop)], stdout=subprocess.PIPE, text=True
    )
    time.sleep(0.3)
    work()
    stop.touch()
    return json.loads(writer.communicate(timeout=60)[0])


def describe(label: str, waits: list[float]) -> float:
    failed = waits.count(-1)
    done = [wait for wait in waits if wait >= 0]
    worst = max(done)
    print(
        f"{label:<52} longest {worst:7.1f} ms   median {statistics.median(done):5.1f} ms   ({len(done)} writes"
        + (f", {failed} failed after 5 s: 'database is locked'" if failed else "")
        + ")"
    )
    return worst


def main() -> None:
    meeting, chair = seed()
    drafts = list(Decision.objects.filter(agenda_item__meeting=meeting).order_by("pk"))
    render_signed_summary(drafts[0], b"{}")  # warm: templates compiled, fonts read, key loaded
    print(f"SQLite file (WAL, BEGIN IMMEDIATE); {DECISIONS} sign-offs, an unrelated write every 2 ms meanwhile")

    describe("unrelated writes alone", measure_writes(lambda: time.sleep(2)))

    durations = []

    def sign_all():
        for draft in drafts:
            started = time.perf_counter()
            services.sign_decision(draft, chair, draft.lock_version)
            durations.append((time.perf_counter() - started) * 1000)

    worst = describe("unrelated writes during sign-offs (now)", measure_writes(sign_all))

    case = drafts[0].agenda_item.case
    signed = Decision.objects.get(pk=drafts[0].pk)

    def old_way():
        for _ in range(DECISIONS):
            with transaction.atomic():  # BEGIN IMMEDIATE: the write lock, as the old sign-off held it
                Patient.objects.filter(pk=case.patient_id).update(updated_at=timezone.now())
                render_case_summary(case, signed)
            time.sleep(0.2)  # a pause between sign-offs, so that the other writes get their turn

    describe("unrelated writes, PDF rendered inside the lock (old)", measure_writes(old_way))
    print(f"total sign-off: median {statistics.median(durations):.0f} ms, longest {max(durations):.0f} ms")

    renders, signings = [], []
    for _ in range(7):
        started = time.perf_counter()
        pdf = render_case_summary(case, signed)
        renders.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        sign_record_pdf(
            pdf, record=services.canonical_content(signed), record_name=record_name(signed), description="bench",
            reason="bench",
        )  # fmt: skip
        signings.append((time.perf_counter() - started) * 1000)
    render_ms, sign_ms = statistics.median(renders), statistics.median(signings)
    print(
        f"render (WeasyPrint) median {render_ms:.0f} ms; PAdES signing with the attachment (pyHanko) median "
        f"{sign_ms:.0f} ms = {sign_ms / render_ms:.0%} of rendering"
    )
    print(f"budget: a concurrent write waits ≤ 50 ms: {'met' if worst <= 50 else 'MISSED'} ({worst:.1f} ms)")


if __name__ == "__main__":
    main()
