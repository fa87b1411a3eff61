"""Benchmark of the guideline impact preview (issue 22): the task worker over 10,000 and 100,000 open cases.

Builds a throwaway database (SQLite by default, PostgreSQL with --postgres), fills it in bulk with fictional
open cases along the pathway (the demo cases' findings, their numbers varied at random, a tenth with nothing
recorded), a tenth as many closed cases (not counted), signed decisions for a fifth of the open cases, and a
draft raising the debulking threshold from 70 % to 95 %. Then, for each size, it asks for the draft's impact
preview as the page does (a job in the database queue) and runs `manage.py db_worker --batch` in a process of
its own, as in production, and prints:

  - the job's time in the worker (started → finished) and cases per second; the worker process's wall time
    including its start;
  - the CPU seconds the worker and the processes it forked used (with the worker's start): on cores other work
    shares, cases per CPU second say what the wall time would be on free ones;
  - the peak resident memory (VmHWM) of the worker and of the largest process it forked, which must not grow
    with the number of cases (the cases are streamed in ranges, never all loaded), and the machine's load
    average (the highest one-minute figure seen): other work on the same cores slows the figures down;
  - the counts, as a check that every open case was assessed.

    .venv/bin/python bench/impact.py                          # SQLite, 10,000 then 100,000 open cases
    .venv/bin/python bench/impact.py --postgres               # PostgreSQL: role sinen_ci, database sinen_impact_bench
    .venv/bin/python bench/impact.py --sizes 10000 --processes 1 2
    IMPACT_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/sinen_impact_bench_x \
        .venv/bin/python bench/impact.py --postgres
    .venv/bin/python bench/impact.py --reuse --sizes 100000   # keep the database: seed once, measure again

With --reuse the database is kept between runs (SQLite: sinen-impact-bench.sqlite3 in the temporary
directory, or IMPACT_DATABASE_URL) and only the open cases it lacks are added; a size below what it holds is
skipped.

The PostgreSQL database's name must contain impact_bench (it is dropped and created again). Budget:
100,000 open cases in <= 60 s in the worker on 2 cores (GUIDELINE_IMPACT_PROCESSES=2), memory flat.
"""

import argparse
import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_POSTGRES = "postgres://sinen_ci:sinen_ci@127.0.0.1:5432/sinen_impact_bench"
BUDGET_SECONDS = 60
BATCH = 2000


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="open cases, ascending")
    parser.add_argument("--processes", type=int, nargs="+", default=[2], help="GUIDELINE_IMPACT_PROCESSES to run")
    parser.add_argument("--reuse", action="store_true", help="keep the database; seed only the cases it lacks")
    parser.add_argument("--decided", type=float, default=0.2, help="share of open cases with a signed decision")
    return parser.parse_args()


def fresh_database(postgres: bool, reuse: bool) -> str:
    """Return the URL of an empty database made for this run, or with REUSE the one kept from the last run."""
    if not postgres:
        if reuse:
            kept = Path(tempfile.gettempdir()) / "sinen-impact-bench.sqlite3"
            return os.environ.get("IMPACT_DATABASE_URL", f"sqlite:///{kept}")
        return f"sqlite:///{tempfile.mkdtemp(prefix='sinen-impact-bench-')}/bench.sqlite3"
    import psycopg

    url = os.environ.get("IMPACT_DATABASE_URL", DEFAULT_POSTGRES)
    name = urlsplit(url).path.lstrip("/")
    if "impact_bench" not in name:
        sys.exit(f"the database's name must contain impact_bench (it is dropped): {name!r}")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if reuse and exists:
            return url
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


ARGS = parse()
os.environ["DATABASE_URL"] = fresh_database(ARGS.postgres, ARGS.reuse)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinen_mdt.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from cases.jobs.models import Job  # noqa: E402
from cases.meetings.models import AgendaItem, Decision, DecisionStatus, Meeting, MeetingStatus  # noqa: E402
from cases.pathways.engine import FactsError, evaluate, facts_from_dict  # noqa: E402
from cases.pathways.guideline_versions import (  # noqa: E402
    active_guideline,
    clone_version,
    save_draft,
    start_impact_preview,
)
from cases.pathways.models import GuidelineImpact, GuidelineStatus, GuidelineVersion  # noqa: E402
from cases.pathways.tasks import compute_guideline_impact  # noqa: E402
from cases.patients.demo import DEMO_CASES  # noqa: E402
from cases.patients.models import Case, CaseStatus, Patient  # noqa: E402

RANDOM = random.Random(22)  # noqa: S311 (fictional data, the same in every run)
PROFILES = [demo["findings"] for demo in DEMO_CASES]
OPEN_STATUSES = [CaseStatus.DRAFT, CaseStatus.READY, CaseStatus.DISCUSSED]
# Numbers varied within the plausible range where the profile records them (a recorded 0 stays 0: it may be
# what keeps the findings consistent, e.g. no liver lesions).
VARIED = {
    "ki67_percent": (0.5, 40.0),
    "primary_size_cm": (0.3, 4.5),
    "liver_lesions": (1, 15),
    "liver_max_diameter_cm": (0.5, 8.0),
    "liver_resectable_percent": (30.0, 100.0),
    "liver_involvement_percent": (5.0, 60.0),
    "positive_nodes": (1, 20),
    "ecog": (0, 4),
    "mesenteric_mass_cm": (0.5, 5.0),
}


def findings() -> dict:
    """Findings of one fictional case: a demo profile with its numbers varied, or nothing recorded."""
    if RANDOM.random() < 0.1:
        return {}
    values = dict(RANDOM.choice(PROFILES))
    for name, (low, high) in VARIED.items():
        value = values.get(name)
        if value in (None, 0, "0"):
            continue
        if isinstance(low, int):
            values[name] = RANDOM.randint(low, high)
        else:
            values[name] = Decimal(f"{RANDOM.uniform(low, high):.1f}")
    if values.get("liver_resectable_percent") is not None and RANDOM.random() < 0.3:
        values["liver_resectable_percent"] = Decimal("100")
    return values


def add_cases(count: int, status_of, start: int) -> list[Case]:
    """Create COUNT cases (with their history rows, as the app's saves write them) in batches."""
    made = []
    for first in range(start, start + count, BATCH):
        size = min(BATCH, start + count - first)
        patients = Patient.objects.bulk_create(
            [
                Patient(
                    hospital_number=f"IMP{n:07d}",
                    family_name=f"Bench{n}",
                    given_name="Fictional",
                    date_of_birth=date(1940, 1, 1) + timedelta(days=RANDOM.randint(0, 18_000)),
                    sex=RANDOM.choice(["female", "male"]),
                )
                for n in range(first, first + size)
            ]
        )
        cases = [
            Case(
                patient=patient,
                referral_date=date(2026, 1, 1) + timedelta(days=RANDOM.randint(0, 330)),
                referring_clinician="Dr Bench",
                question="Surgical options?",
                status=status_of(),
                **findings(),
            )
            for patient in patients
        ]
        made += bulk_create_with_history(cases, Case, batch_size=BATCH)
    return made


CHAIN_POSITIONS = itertools.count(1)


def add_signed_decisions(cases: list[Case], chair: User) -> int:
    """Give each of CASES a signed decision agreeing with the engine, now and then departing from it."""
    guideline = active_guideline()
    signed = 0
    for first in range(0, len(cases), 500):
        meeting = Meeting.objects.create(
            title="Bench board", scheduled_at=timezone.now(), chair=chair, status=MeetingStatus.CLOSED
        )
        # Read back from the database: findings typed as text in the profiles come back as numbers.
        batch = Case.objects.select_related("patient").filter(pk__in=[case.pk for case in cases[first : first + 500]])
        items = AgendaItem.objects.bulk_create(
            [AgendaItem(meeting=meeting, case=case, position=n) for n, case in enumerate(batch, 1)]
        )
        decisions = []
        for item in items:
            try:
                assessment = evaluate(facts_from_dict(item.case.to_facts()), guideline)
            except FactsError:
                continue
            outcomes = []
            for rec in assessment.recommendations:
                agreeing = "reject" if rec.verdict == "not_recommended" else "accept"
                outcome = agreeing if RANDOM.random() > 0.03 else RANDOM.choice(["accept", "modify", "reject"])
                outcomes.append(
                    {"code": rec.code, "title": rec.title, "engine_verdict": rec.verdict.value, "outcome": outcome}
                )
            now = timezone.now()
            decisions.append(
                Decision(
                    agenda_item=item,
                    status=DecisionStatus.SIGNED,
                    outcomes=outcomes,
                    plan="As discussed.",
                    engine_snapshot={},
                    guideline_version=guideline.version,
                    guideline_parameters={},
                    author=chair,
                    recorded_at=now,
                    signed_by=chair,
                    signed_at=now,
                    # Signed as before keyed signatures (schema 1: the hash alone): the preview reads the
                    # outcomes and facts, never the signature, and signing 20,000 PDFs would time the signer.
                    content_sha256="0" * 64,
                    signed_schema=1,
                    people_at_signing={},
                    chain_position=next(CHAIN_POSITIONS),
                    chain_previous="0" * 64,
                )
            )
        signed += len(Decision.objects.bulk_create(decisions))
    return signed


def high_water_kib(pid: int) -> int:
    """Return the process's peak resident memory so far (VmHWM), 0 once it has gone.

    Not ru_maxrss: Linux carries that over from the process's parent across exec, and the parent here holds
    the seeded cases; VmHWM belongs to the process's own address space.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def children_of(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(child) for task in tasks for child in (task / "children").read_text().split()]
    except OSError:
        return []


def run_worker(processes: int) -> tuple[float, int, int, float]:
    """Run `db_worker --batch` until the queue is empty; return its wall time, the peak memory (KiB) of the
    worker and of the largest process it forked (sampled every 0.1 s), and the CPU seconds of both."""
    env = {**os.environ, "GUIDELINE_IMPACT_PROCESSES": str(processes)}
    command = [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch", "--no-startup-delay", "-v", "0"]
    started = time.perf_counter()
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)  # noqa: S603 (our own command)
    own, forked = 0, 0
    while True:
        # wait4 reaps the worker with its resource use, which includes the processes it forked and waited for.
        pid, status, usage = os.wait4(worker.pid, os.WNOHANG)
        if pid:
            break
        own = max(own, high_water_kib(worker.pid))
        forked = max([forked, *(high_water_kib(child) for child in children_of(worker.pid))])
        time.sleep(0.1)
    worker.returncode = os.waitstatus_to_exitcode(status)
    if worker.returncode != 0:
        sys.exit(f"db_worker exited with {worker.returncode}")
    return time.perf_counter() - started, own, forked, usage.ru_utime + usage.ru_stime


def measure(draft: GuidelineVersion, editor: User, processes: int, open_cases: int) -> None:
    job = start_impact_preview(draft, editor, compute_guideline_impact)
    load = os.getloadavg()[0]
    wall, own_kib, forked_kib, cpu = run_worker(processes)
    load = max(load, os.getloadavg()[0])
    job = Job.objects.get(pk=job.pk)
    preview = GuidelineImpact.objects.get(job=job)
    seconds = (job.finished_at - job.started_at).total_seconds()
    counts = preview.result["cases"]
    decisions = preview.result["signed_decisions"]
    assert counts["open"] == open_cases, (counts, open_cases)
    verdict = "met" if seconds <= BUDGET_SECONDS or open_cases < 100_000 else "NOT met"
    print(
        f"{open_cases:>7,} open cases  {processes} process{'es' if processes > 1 else '  '}  "
        f"worker {seconds:6.1f} s ({open_cases / seconds:7,.0f} cases/s; process {wall:5.1f} s with its start)  "
        f"CPU {cpu:6.1f} s ({open_cases / cpu:5,.0f} cases per CPU second, with the start)  "
        f"peak memory: worker {own_kib / 1024:4.0f} MiB, forked {forked_kib / 1024:4.0f} MiB  "
        f"load {load:3.1f}  changed {counts['changed']:,}, not assessable "
        f"{counts['not_assessable']:,}, signed decisions {decisions['signed']:,} "
        f"(newly departing {decisions['newly_departing']:,})"
        + (f"  budget {BUDGET_SECONDS} s: {verdict}" if open_cases >= 100_000 else ""),
        flush=True,
    )


def set_up() -> tuple[User, User, GuidelineVersion]:
    """Return the editor, the chair and the draft: made in an empty database, read from a reused one."""
    call_command("migrate", verbosity=0)
    draft = GuidelineVersion.objects.filter(name="bench-draft").first()
    if draft is not None:
        return User.objects.get(username="bench-editor"), User.objects.get(username="bench-chair"), draft
    editor = User.objects.create_user("bench-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="content_editor"))
    chair = User.objects.create_user("bench-chair")
    chair.groups.add(Group.objects.get(name="chair"))
    draft = clone_version(GuidelineVersion.objects.get(status=GuidelineStatus.ACTIVE), editor, name="bench-draft")
    draft.debulking_min_percent = 95
    save_draft(draft, editor)
    return editor, chair, draft


def main() -> None:
    editor, chair, draft = set_up()
    print(
        f"database: {connection.vendor}; draft: debulking threshold 70 % → 95 %; "
        f"{ARGS.decided:.0%} of open cases with a signed decision; {os.cpu_count()} CPUs",
        flush=True,
    )
    made = Case.objects.exclude(status=CaseStatus.CLOSED).count()
    if made:
        print(f"reusing the database's {made:,} open cases", flush=True)
    for size in sorted(ARGS.sizes):
        if size < made:
            print(f"skipped {size:,} open cases: the reused database holds {made:,}", flush=True)
            continue
        started = time.perf_counter()
        new = add_cases(size - made, lambda: RANDOM.choice(OPEN_STATUSES), start=made * 2)
        add_cases((size - made) // 10, lambda: CaseStatus.CLOSED, start=made * 2 + size)
        decided = add_signed_decisions(RANDOM.sample(new, int(len(new) * ARGS.decided)), chair)
        made = size
        print(
            f"seeded {size:,} open cases (+{size // 10:,} closed, {decided:,} new signed decisions) "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        for processes in ARGS.processes:
            measure(draft, editor, processes, size)


if __name__ == "__main__":
    main()
