"""Load test (issues 8, 14): coordinators and clinicians against gunicorn on PostgreSQL, loopback only, bounded in time.

Creates (drops first) the database sinen_load, migrates it, seeds the demo data with 100,000 scale cases
(`seed_demo --scale`, issue 14) plus one case per simulated user, starts gunicorn on 127.0.0.1 and runs
locust headless in this process, with the task worker (`manage.py db_worker`) beside gunicorn: 40 users
for 60 s, each logging in, then walking pathway steps (and saving one now and then, as htmx does), opening
the meeting page and meeting mode, a decision record, and getting a PDF about once a minute each (a case
summary, a signed decision's stored summary; clinicians also the meeting's outcome pack) as a user does:
the button's POST, then for a draft the job's progress polled every second until the worker has rendered
it, then the download. Coordinators also open the case list and the dashboard and search for patients.
Users arrive 5 per second (a board does not log in within one second); the measured SECONDS start once all
of them have logged in (40 users at work), and what their arrival cost is printed apart: the logins, the pages
asked for meanwhile, and the pages of arrival and minute together. Prints requests per second, p50/p95/p99 for
pages (the button's POST and the job polls among them), PDF downloads apart, the drafts' time until ready, and
the error count (arrival's included). Stops gunicorn and the worker and exits by itself.
Not run by CI.

    .venv/bin/pip install -r requirements-bench.txt   # once: locust and its dependencies
    .venv/bin/python bench/load.py                  # needs PostgreSQL on 127.0.0.1:5432 and the sinen_ci role
    .venv/bin/python bench/load.py --users 40 --seconds 60 --workers 4 --scale 100000
    LOAD_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/sinen_load_x .venv/bin/python bench/load.py

The database's name must start with sinen_load (it is dropped and created again, unless --reuse: seeding is
idempotent, so a second run starts in seconds). The role needs CREATEDB (.ci/run creates sinen_ci with it).
Budget: zero errors, every draft ready, and p95 <= 150 ms for the minute's pages; PDF downloads reported apart.
"""

# locust needs gevent's patches before anything else is imported.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402
from locust import FastHttpUser, between, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.stats import StatsEntry  # noqa: E402
from servers import (  # noqa: E402
    cpu_seconds,
    free_port,
    manage,
    postgres_cpu_seconds,
    recreate_database,
    start_gunicorn,
    start_worker,
)

DEFAULT_URL = "postgres://sinen_ci:sinen_ci@127.0.0.1:5432/sinen_load"
PAGE_BUDGET_P95_MS = 150
JOB_PATIENCE_S = 120  # a user waiting longer than this for a draft has given up: counted as unready

# Seeds one stage IV case per simulated user (each walks and saves its own, so saves do not conflict),
# signs a decision so that a stored PDF exists, and prints what the users need as JSON.
SEED = """
import json
from django.urls import NoReverseMatch, reverse
from cases.meetings.models import Decision, DecisionStatus, Meeting
from cases.patients.models import Case, Patient
from cases.patients.services import save_patient

cases = []
for n in range({cases}):
    patient = Patient.objects.filter(hospital_number=f"LOAD{{n:05d}}").first() or save_patient(Patient(
        hospital_number=f"LOAD{{n:05d}}", family_name=f"Load{{n}}", given_name="Test", date_of_birth="1960-01-01",
        sex="female",
    ))
    case, _ = Case.objects.get_or_create(
        patient=patient,
        defaults={{
            "referral_date": "2026-10-01", "referring_clinician": "Dr Load", "question": "Surgical options?",
            "ct_or_mri_done": True, "primary_site": "terminal_ileum", "primary_size_cm": "2.2",
            "mesenteric_mass_cm": "2.5", "liver_lesions": 2, "liver_max_diameter_cm": "3", "liver_bilobar": False,
            "differentiation": "well", "ki67_percent": "5", "carcinoid_syndrome": True,
        }},
    )
    cases.append(str(case.public_id))
meeting = Meeting.objects.order_by("-scheduled_at").first()
item = meeting.agenda_items.order_by("position").first()
signed = Decision.objects.filter(status=DecisionStatus.SIGNED).order_by("pk").first()
pdfs = []
targets = [("reports:case_summary", item.case), ("reports:decision_summary", signed), ("reports:meeting_pack", meeting)]
for name, target in targets:
    try:
        pdfs.append((name, reverse(name, kwargs={{"public_id": target.public_id}})))
    except NoReverseMatch:
        pass
print(json.dumps({{
    "cases": cases,
    "meeting": str(meeting.public_id),
    "item": str(item.public_id),
    "decision": str(signed.public_id) if signed else None,
    "pdfs": pdfs,
}}))
"""

PRESENTATION = {
    "symptomatic": "true",
    "carcinoid_syndrome": "true",
    "emergency_presentation": "false",
    "family_history": "false",
    "ecog": "1",
    "major_comorbidity": "false",
}
STEPS = ["presentation", "biochemistry", "imaging", "functional-imaging", "histology", "cardiac", "liver", "summary"]


def prepare(env: dict, users: int, scale: int) -> dict:
    print(f"preparing the database (migrate, seed_demo --scale {scale}, one case per user)…", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    seeded = manage(env, "seed_demo", *(["--scale", str(scale)] if scale else []))
    print("\n".join(line for line in seeded.splitlines() if line.startswith("Scale data")), flush=True)
    return json.loads(manage(env, "shell", "-c", SEED.format(cases=users)).strip().splitlines()[-1])


class BoardMember(FastHttpUser):
    """Logs in once, then works: the steps of its own case, the meeting, a decision record, PDFs.

    FastHttpUser (geventhttpclient) rather than HttpUser (python-requests): the users run on the server's own
    two cores, and requests' client spent 1.6 times the CPU (7.4 s of the minute where this spends 4.6 s)."""

    abstract = True
    wait_time = between(0.5, 2.0)
    username = password = ""
    world: dict = {}
    pdf_every = 60.0
    next_case = 0
    jobs_ready: list[float] = []  # seconds from a draft's button to its job's page saying it is ready
    jobs_unready = 0  # drafts that failed or were not ready within JOB_PATIENCE_S
    logged_in = 0  # users who have arrived and logged in (the measured minute starts when all have)

    def on_start(self) -> None:
        cases = self.world["cases"]
        self.case = cases[BoardMember.next_case % len(cases)]
        BoardMember.next_case += 1
        self.client.get("/accounts/login/", name="login page")
        token = self.cookie("csrftoken")
        self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": self.password, "csrfmiddlewaretoken": token},
            name="login (POST)",
        )
        BoardMember.logged_in += 1

    def cookie(self, name: str) -> str:
        return next((cookie.value for cookie in self.client.cookiejar if cookie.name == name), "")

    def htmx(self) -> dict:
        return {"HX-Request": "true", "X-CSRFToken": self.cookie("csrftoken")}

    @task(6)
    def walk_a_step(self) -> None:
        for slug in STEPS[:3]:
            self.client.get(f"/cases/{self.case}/pathway/{slug}/", name="step (GET)")

    @task(2)
    def save_a_step(self) -> None:
        url = f"/cases/{self.case}/pathway/presentation/"
        page = self.client.get(url, name="step (GET)").text
        version = re.search(r'name="version" value="(\d+)"', page)
        if version:
            data = {**PRESENTATION, "version": version.group(1)}
            self.client.post(url, data, headers=self.htmx(), name="step save (htmx POST)")

    @task(1)
    def preview(self) -> None:
        url = f"/cases/{self.case}/pathway/imaging/preview/"
        self.client.post(url, {"liver_bilobar": "true"}, headers=self.htmx(), name="what-if preview (htmx POST)")

    @task(2)
    def case_page(self) -> None:
        self.client.get(f"/cases/{self.case}/", name="case page")

    @task(2)
    def meeting(self) -> None:
        self.client.get(f"/meetings/{self.world['meeting']}/", name="meeting page")

    @task(2)
    def meeting_mode(self) -> None:
        self.client.get(f"/meetings/{self.world['meeting']}/present/{self.world['item']}/", name="meeting mode")

    @task(1)
    def decision(self) -> None:
        if self.world["decision"]:
            self.client.get(f"/decisions/{self.world['decision']}/", name="decision record")

    @task(1)
    def case_summary_pdf(self) -> None:
        self.pdf(0)

    @task(1)
    def decision_summary_pdf(self) -> None:
        self.pdf(1)

    def pdf(self, index: int) -> None:
        """Get the INDEXth PDF of the seed's list as a user does, at most once per PDF_EVERY seconds per user
        (PDFs come after decisions, not between every page): the button's htmx POST, which leads to a signed
        document's download at once or starts a draft's job in the task worker; then the job's progress,
        polled every second as the job page does, and the download once it is ready."""
        now = time.monotonic()
        if index >= len(self.world["pdfs"]) or now - getattr(self, "last_pdf", -1e9) < self.pdf_every:
            return
        self.last_pdf = now
        name, url = self.world["pdfs"][index]
        label = name.split(":")[1]
        answer = self.client.post(url, {}, headers=self.htmx(), name="document button (htmx POST)")
        if "HX-Redirect" in answer.headers:  # signed: stored, downloaded at once
            self.client.get(answer.headers["HX-Redirect"], name=f"PDF {label} (signed, download)")
            return
        job = re.search(r'id="job-([0-9a-f-]{36})"', answer.text)
        if job is None:
            return  # the POST failed; locust has counted it
        job_url = f"/jobs/{job.group(1)}/"
        deadline = time.monotonic() + JOB_PATIENCE_S
        while time.monotonic() < deadline:
            gevent.sleep(1)  # the job page's hx-trigger="every 1s"
            body = self.client.get(job_url, headers=self.htmx(), name="job progress (htmx poll)").text
            if 'data-status="done"' in body:
                self.client.get(f"{job_url}download", name=f"PDF {label} (draft, download)")
                BoardMember.jobs_ready.append(time.monotonic() - now)
                return
            if 'data-status="failed"' in body:
                break
        BoardMember.jobs_unready += 1


# Names, a number's beginning and a miss, taken in turn (the users are greenlets of one thread).
SEARCHES = itertools.cycle(["müller", "VAN DER BERG, Hendrik", "SC00012", "o'brien sean", "Zzyzx"])


class Coordinator(BoardMember):
    username, password = "coordinator", "demo-coordinator-2026"

    @task(1)
    def patient_search(self) -> None:
        self.client.post("/patients/", {"q": next(SEARCHES)}, headers=self.htmx(), name="patient search (htmx POST)")

    @task(2)
    def case_list(self) -> None:
        self.client.get("/cases/", name="case list")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")


class Clinician(BoardMember):
    username, password = "clinician", "demo-clinician-2026"

    @task(1)
    def meeting_pack(self) -> None:
        self.pdf(2)


def combined(env: Environment, label: str, entries: list[StatsEntry]) -> StatsEntry:
    total = StatsEntry(env.stats, label, "")
    for entry in entries:
        total.extend(entry)
    return total


def line(entry: StatsEntry, seconds: float) -> str:
    if entry.num_requests == 0:
        return f"{entry.name:<32} no requests"
    p = entry.get_response_time_percentile
    return (
        f"{entry.name:<32} {entry.num_requests:6d} req {entry.num_requests / seconds:7.1f} req/s   "
        f"p50 {p(0.5):6.0f} ms   p95 {p(0.95):6.0f} ms   p99 {p(0.99):6.0f} ms   errors {entry.num_failures}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=60)
    # As the README's Production section runs gunicorn: sync workers, two per core. Threads (say 3 workers x 4)
    # doubled the page p95 on two cores: a thread back from each query waits for the GIL behind the others.
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)")
    parser.add_argument("--scale", type=int, default=100_000, help="scale cases seeded (seed_demo --scale; 0: none)")
    parser.add_argument("--pdf-every", type=float, default=60.0, help="seconds between two PDFs of one user")
    parser.add_argument("--no-pdfs", action="store_true", help="pages only (to see what the PDFs cost the pages)")
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's database (seeding is idempotent)")
    args = parser.parse_args()
    if not 1 <= args.users <= 200 or not 1 <= args.seconds <= 600:
        raise SystemExit("--users must be 1-200 and --seconds 1-600")
    url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL)
    if not args.reuse:
        recreate_database(url, "sinen_load")
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env |= {"DATABASE_URL": url, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR"}
    BoardMember.world = prepare(env, args.users, args.scale)
    BoardMember.pdf_every = args.pdf_every
    if args.no_pdfs:
        BoardMember.world["pdfs"] = []
    elif not BoardMember.world["pdfs"]:
        print("no PDF URLs resolve yet: PDF downloads are skipped")
    port = free_port()
    server = start_gunicorn(env, port, args.workers, threads=args.threads)
    worker = start_worker(env)  # renders the drafts, beside gunicorn, as in production
    try:
        host = f"http://127.0.0.1:{port}"
        environment = Environment(user_classes=[Coordinator, Clinician], host=host)
        runner = environment.create_local_runner()
        print(
            f"{args.users} users, {args.seconds} s, gunicorn with {args.workers} workers x {args.threads} threads at "
            f"{host}",
            flush=True,
        )
        # Arrival: the users come 5 a second and each logs in (Argon2), then works. The measured minute starts once
        # all of them are in, so the budget is about 40 users at work, not fewer users and a queue of logins;
        # what arrival cost (the logins, and the pages asked for meanwhile) is printed apart.
        arrival_started = time.monotonic()
        runner.start(args.users, spawn_rate=5)
        while BoardMember.logged_in < args.users and time.monotonic() - arrival_started < 120:
            gevent.sleep(0.1)
        arrival_seconds = time.monotonic() - arrival_started
        arrival = {
            entry.name: combined(environment, entry.name, [entry]) for entry in environment.stats.entries.values()
        }
        arrival_errors = sum(error.occurrences for error in environment.stats.errors.values())
        environment.stats.reset_all()
        started = time.monotonic()
        load_before = os.getloadavg()[0]
        server_cpu, worker_cpu = cpu_seconds(server.pid), cpu_seconds(worker.pid)
        client_cpu, database_cpu = time.process_time(), postgres_cpu_seconds()
        gevent.spawn_later(args.seconds, runner.quit)
        runner.greenlet.join()
        seconds = time.monotonic() - started
        server_cpu, worker_cpu = cpu_seconds(server.pid) - server_cpu, cpu_seconds(worker.pid) - worker_cpu
        client_cpu, database_cpu = time.process_time() - client_cpu, postgres_cpu_seconds() - database_cpu
        load_after = os.getloadavg()[0]
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=30)
    entries = list(environment.stats.entries.values())
    pdfs = [e for e in entries if e.name.startswith("PDF")]
    logins = [e for e in entries if e.name.startswith("login")]
    pages = [e for e in entries if e not in pdfs and e not in logins]
    everything = combined(environment, "all requests", entries)
    page_total = combined(environment, "pages (excluding login, PDFs)", pages)
    print()
    for entry in sorted(entries, key=lambda e: e.name):
        if entry.num_requests:  # the logins were all during arrival
            print(line(entry, seconds))
    print()
    print(line(everything, seconds))
    print(line(page_total, seconds))
    print(line(combined(environment, "PDFs", pdfs), seconds))
    arrival_pages = [e for name, e in arrival.items() if not name.startswith(("PDF", "login"))]
    arrival_logins = [e for name, e in arrival.items() if name.startswith("login")]
    print(
        f"\narrival ({args.users} users, 5 a second, {arrival_seconds:.1f} s until all had logged in; not in the "
        f"figures above): {arrival_errors} errors"
    )
    print(line(combined(environment, "  logins (Argon2)", arrival_logins), arrival_seconds))
    print(line(combined(environment, "  pages meanwhile", arrival_pages), arrival_seconds))
    print(line(combined(environment, "  pages, arrival and minute", arrival_pages + pages), arrival_seconds + seconds))
    ready = sorted(BoardMember.jobs_ready)
    if ready or BoardMember.jobs_unready:
        median = ready[len(ready) // 2] if ready else float("nan")
        print(
            f"drafts rendered by the task worker: {len(ready)} ready, median {median:.1f} s from the button to "
            f"'Ready' (1 s polls included), max {max(ready, default=float('nan')):.1f} s; "
            f"{BoardMember.jobs_unready} failed or not ready within {JOB_PATIENCE_S} s"
        )
    # What the server itself spent, whatever else ran on the machine: CPU seconds of gunicorn's processes per
    # request (PostgreSQL's own work not included), and of the task worker; the machine's load around the run.
    print(
        f"gunicorn CPU {server_cpu:.1f} s = {server_cpu * 1e3 / max(everything.num_requests, 1):.1f} ms per request; "
        f"task worker CPU {worker_cpu:.1f} s; load average {load_before:.1f} before, {load_after:.1f} after "
        f"({os.cpu_count()} cores)"
    )
    # On the same cores: the users themselves (locust, this process) and PostgreSQL (all of its processes).
    print(
        f"same cores: locust CPU {client_cpu:.1f} s, PostgreSQL CPU {database_cpu:.1f} s; all four "
        f"{(server_cpu + worker_cpu + client_cpu + database_cpu) / seconds:.2f} of {os.cpu_count()} cores"
    )
    for error in environment.stats.errors.values():
        print(f"error: {error.method} {error.name}: {error.error} ({error.occurrences}x)")
    p95 = page_total.get_response_time_percentile(0.95) if page_total.num_requests else 0
    ok = (
        everything.num_failures == 0
        and arrival_errors == 0
        and BoardMember.jobs_unready == 0
        and p95 <= PAGE_BUDGET_P95_MS
    )
    verdict = "within" if ok else "OVER"
    print(f"\nbudget: zero errors and page p95 <= {PAGE_BUDGET_P95_MS} ms: {verdict} budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
