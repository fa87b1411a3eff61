"""Benchmark of flat pages at scale (issue 14): real HTTP against gunicorn at 10,000 and 100,000 cases.

Prepares a database with `manage.py seed_demo --scale N` for each size in turn (the same database grows:
10,000 then 100,000), adds two meetings in progress with 30 and 100 cases on their agendas (a draft
decision on every third), starts gunicorn on 127.0.0.1, logs in as the demo chair and times each page
interleaved with the floor page (/ping/: signed in, every middleware, a trivial template): one floor
request before every page request, so both see the same machine. Prints per size the median and p95
in ms, the ratio of the page's median to the floor's median, and the queries of one request (counted
in-process with Django's test client and CaptureQueriesContext against the same database); then the
growth of each page's ratio from the smallest to the largest size, and the budget.

    .venv/bin/python bench/scale.py                      # SQLite in a temporary directory
    SCALE_DATABASE_URL=postgres://sinen_ci:sinen_ci@127.0.0.1:5432/sinen_scale .venv/bin/python bench/scale.py
    .venv/bin/python bench/scale.py --sizes 10000 100000 --runs 40

A PostgreSQL database's name must start with sinen_scale: it is dropped and created again, unless --reuse
keeps what an earlier run built (seed_demo --scale adds only what is missing). --only NAME… times only the
pages whose names contain one of the words (e.g. --only "board figures"). Needs requests
(requirements-bench.txt). Not run by CI.

The board's figures (issue 20) need signed decisions, which the scale seeder does not make (signed records
come from a chair's signature). For this database only, board_history() gives every scale agenda item a
placeholder signed decision (schema 1, a made-up hash and chain link: the integrity page would rightly flag
them) with the engine's options as decided options: about one in ten a departure, the planned treatments done,
not done, changed or still planned, and one follow-up action with a due date.

Budget: every page's median <= 20x the floor's, growth of that ratio from 10k to 100k <= 1.5x, and the
meeting page (30 items) <= 50 ms median at 100k on PostgreSQL.
"""

import argparse
import atexit
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass

from servers import ROOT, free_port, manage, recreate_database, start_gunicorn

sys.path.insert(0, str(ROOT))
RATIO_BUDGET = 20.0
GROWTH_BUDGET = 1.5
MEETING_BUDGET_MS = 50.0
CHAIR = ("chair", "demo-chair-2026")
HX = {"HX-Request": "true"}
PLACEHOLDER = "0" * 63 + "1"  # the bench's made-up content hash and chain link


@dataclass(frozen=True)
class Page:
    name: str
    method: str
    url: str
    data: dict | None = None
    htmx: bool = False


def database_url(tmp: str, reuse: bool) -> str:
    url = os.environ.get("SCALE_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp}/scale.sqlite3"
    if not reuse:
        recreate_database(url, "sinen_scale")
    return url


def bench_world() -> dict:
    """Create (once) two meetings in progress with 30 and 100 scale cases, drafts on every third; return URLs."""
    import uuid

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cases.meetings import services
    from cases.meetings.models import AgendaItem, Meeting, MeetingStatus
    from cases.meetings.scale import hospital_number
    from cases.pathways.guideline_versions import active_guideline
    from cases.pathways.services import assess
    from cases.patients.models import Case, CaseStatus

    users = get_user_model().objects.in_bulk(["chair", "clinician"], field_name="username")
    chair, clinician = users["chair"], users["clinician"]
    guideline = active_guideline()
    meetings = {}
    first = 401  # the oldest work-up cases are complete: discussed cases from 401 on
    for size in (30, 100):
        public_id = uuid.uuid5(uuid.NAMESPACE_URL, f"sinen-bench-scale-{size}")
        meeting = Meeting.objects.filter(public_id=public_id).first()
        if meeting is None:
            meeting = Meeting.objects.create(
                public_id=public_id, title=f"Bench board ({size})", scheduled_at="2026-12-03T16:00Z",
                chair=chair, status=MeetingStatus.IN_PROGRESS, created_by=chair,
            )  # fmt: skip
            numbers = [hospital_number(n) for n in range(first, first + size)]
            cases = Case.objects.filter(patient__hospital_number__in=numbers).select_related("patient")
            for position, case in enumerate(cases.order_by("patient__hospital_number"), 1):
                item = AgendaItem.objects.create(meeting=meeting, case=case, position=position, presenter=clinician)
                if position % 3 == 1:
                    assessment = assess(case, guideline).assessment
                    outcomes = [
                        {"code": r.code, "title": r.title, "engine_verdict": r.verdict.value,
                         "outcome": "accept" if r.verdict.value == "recommended" else "reject", "reason": ""}
                        for r in assessment.recommendations
                    ]  # fmt: skip
                    content = services.DecisionContent(outcomes, "Plan.", False, [])
                    services.record_decision(
                        item, content, assessment=assessment, guideline=guideline, loaded_lock_version=0, user=chair
                    )
        first += size
        meetings[size] = meeting
        # A meeting in progress discusses cases that are ready, not yet discussed: the agenda assesses each one's
        # work-up (a discussed case's readiness needs no assessment, so those would make the page look cheaper).
        Case.objects.filter(agenda_items__meeting=meeting).exclude(status=CaseStatus.READY).update(
            status=CaseStatus.READY
        )
    item = meetings[30].agenda_items.order_by("position").first()
    draft = Case.objects.filter(patient__hospital_number=hospital_number(1)).get()
    return {
        "meeting_30": meetings[30].get_absolute_url(),
        "meeting_100": meetings[100].get_absolute_url(),
        "present": f"/meetings/{meetings[30].public_id}/present/{item.public_id}/",
        "agenda_search": f"/meetings/{meetings[30].public_id}/agenda/search/",
        "step": f"/cases/{draft.public_id}/pathway/presentation/",
        "year": timezone.localdate().year,
    }


def board_history() -> int:
    """Give every scale agenda item without a decision a placeholder signed decision with its decided options
    and one follow-up action (module docstring); return how many decisions were added."""
    import random
    import uuid
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import F, Max
    from django.utils import timezone

    from cases.meetings.models import (
        AgendaItem,
        DecidedOption,
        Decision,
        DecisionStatus,
        FollowUpAction,
        ImplementationStatus,
        is_departure,
    )
    from cases.meetings.scale import _execute_many, _insert_sql
    from cases.pathways.guideline_versions import active_guideline
    from cases.pathways.services import assess
    from cases.patients.models import Case

    chair = get_user_model().objects.get(username=CHAIR[0])
    guideline = active_guideline()
    items = list(
        AgendaItem.objects.filter(
            case__patient__hospital_number__startswith="SC", meeting__status="closed", decisions__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "case_id", "meeting_id", "meeting__scheduled_at")
    )
    if not items:
        return 0
    # The engine's options for a few complete scale cases, reused round-robin (the bench times counting, not advice).
    cases = Case.objects.filter(agenda_items__isnull=False, patient__hospital_number__startswith="SC")[:8]
    templates = [
        [(r.code, r.title, r.verdict.value) for r in assess(case, guideline).assessment.recommendations]
        for case in cases
    ]
    rng = random.Random(20)  # noqa: S311 (made-up data, reproducible)
    people = {"author": {"username": "chair", "name": "Bench", "roles": ["Chair"]}}
    people["signer"] = people["author"]
    chain = (Decision.objects.aggregate(last=Max("chain_position"))["last"] or 0) + 1_000_000
    decision_fields = [f for f in Decision._meta.concrete_fields if not f.primary_key]
    option_fields = [f for f in DecidedOption._meta.concrete_fields if not f.primary_key]
    action_fields = [f for f in FollowUpAction._meta.concrete_fields if not f.primary_key]

    def prepared(fields, values: dict) -> tuple:
        return tuple(f.get_db_prep_save(values.get(f.name, f.get_default()), connection) for f in fields)

    added = 0
    for start in range(0, len(items), 2000):
        batch = items[start : start + 2000]
        with transaction.atomic():
            decisions, plans = [], {}
            for n, (item_id, case_id, meeting_id, held) in enumerate(batch):
                template = templates[(start + n) % len(templates)]
                outcomes = []
                for code, title, verdict in template:
                    outcome = "reject" if verdict == "not_recommended" else "accept"
                    if rng.random() < 0.1:
                        outcome = "reject" if outcome == "accept" else "accept"
                    reason = "Bench departure." if is_departure(verdict, outcome) else ""
                    outcomes.append(
                        {"code": code, "title": title, "engine_verdict": verdict, "outcome": outcome, "reason": reason}
                    )
                public_id = uuid.uuid4()
                plans[public_id] = (case_id, meeting_id, held, outcomes)
                decisions.append(
                    prepared(
                        decision_fields,
                        {
                            "public_id": public_id,
                            "agenda_item": item_id,
                            "status": DecisionStatus.DRAFT,
                            "outcomes": outcomes,
                            "plan": "Bench plan.",
                            "treatment_intent": "curative",
                            "engine_snapshot": {"missing_workup": []},
                            "guideline_version": guideline.version,
                            "guideline_parameters": {},
                            "author": chair.pk,
                            "recorded_at": held,
                            "created_at": held,
                            "updated_at": held,
                        },
                    )
                )
            _execute_many(_insert_sql(Decision, [f.column for f in decision_fields]), decisions)
            ids = dict(Decision.objects.filter(public_id__in=plans).values_list("public_id", "pk"))
            actions, options = [], []
            for public_id, (case_id, meeting_id, held, outcomes) in plans.items():
                day = timezone.localdate(held)
                due = day + timedelta(days=21)
                action = {
                    "decision": ids[public_id],
                    "position": 1,
                    "what": "Book it",
                    "owner": "Surgery",
                    "due_date": due,
                }
                actions.append(prepared(action_fields, action))
                for o in outcomes:
                    happened = None
                    status, cause = ("" if o["outcome"] == "reject" else ImplementationStatus.PLANNED), ""
                    if status:
                        fate = rng.random()
                        if fate < 0.6:
                            status, happened = ImplementationStatus.DONE, day + timedelta(days=rng.randint(5, 60))
                        elif fate < 0.7:
                            status, cause = ImplementationStatus.NOT_DONE, "patient_choice"
                        elif fate < 0.75:
                            status, cause = ImplementationStatus.CHANGED, "disease_progressed"
                    options.append(
                        prepared(
                            option_fields,
                            {
                                "decision": ids[public_id],
                                "case": case_id,
                                "meeting": meeting_id,
                                "meeting_date": day,
                                "current": True,
                                "code": o["code"],
                                "title": o["title"],
                                "engine_verdict": o["engine_verdict"],
                                "outcome": o["outcome"],
                                "departure": is_departure(o["engine_verdict"], o["outcome"]),
                                "board_reason": o["reason"],
                                "guideline_version": guideline.version,
                                "status": status,
                                "happened_on": happened,
                                "cause": cause,
                                "updated_at": held,
                            },
                        )
                    )
            _execute_many(_insert_sql(FollowUpAction, [f.column for f in action_fields]), actions)
            _execute_many(_insert_sql(DecidedOption, [f.column for f in option_fields]), options)
            # Signed last, in one statement: the triggers refuse actions added to a signed decision.
            Decision.objects.filter(pk__in=ids.values()).update(
                status=DecisionStatus.SIGNED,
                signed_by=chair,
                signed_at=timezone.now(),
                signed_schema=1,
                content_sha256=PLACEHOLDER,
                chain_position=F("pk") + chain,
                chain_previous=PLACEHOLDER,
                people_at_signing=people,
            )
        added += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load: the planner needs the new sizes
    return added


def pages(world: dict) -> list[Page]:
    return [
        Page("dashboard", "get", "/"),
        Page("case list, first page", "get", "/cases/"),
        Page("case list, last page", "get", "/cases/?last=1"),
        Page("patient search: name", "post", "/patients/", {"q": "MÜLLER, Anna"}, htmx=True),
        Page("patient search: hospital no.", "post", "/patients/", {"q": "SC0001234"}, htmx=True),
        Page("patient search: no match", "post", "/patients/", {"q": "Zzyzx Qwerty"}, htmx=True),
        Page("meeting page, 30 items", "get", world["meeting_30"]),
        Page("meeting page, 100 items", "get", world["meeting_100"]),
        Page("meeting mode", "get", world["present"]),
        Page("agenda: find a case", "post", world["agenda_search"], {"q": "van der berg"}, htmx=True),
        Page("follow-up worklist", "get", "/follow-up/"),
        Page("board figures, quarter", "get", "/reports/"),
        Page("board figures, year", "get", f"/reports/?period={world['year']}"),
        Page("board figures, CSV", "get", "/reports/board-figures.csv"),
        Page("step POST (htmx)", "post", world["step"], {}, htmx=True),
    ]


STEP = {"symptomatic": "false", "emergency_presentation": "false", "family_history": "false", "ecog": "1"}


class Browser:
    """A signed-in requests session that sends what a browser with htmx sends (CSRF header, HX-Request)."""

    def __init__(self, base: str) -> None:
        import requests

        self.base, self.session = base, requests.Session()
        self.session.get(f"{base}/accounts/login/")
        login = {"username": CHAIR[0], "password": CHAIR[1], "csrfmiddlewaretoken": self.token()}
        response = self.session.post(f"{base}/accounts/login/", login, allow_redirects=False)
        if response.status_code != 302:
            raise SystemExit(f"login failed: {response.status_code}")
        self.step_version = None

    def token(self) -> str:
        return self.session.cookies.get("csrftoken", "")

    def request(self, page: Page) -> float:
        headers = {"X-CSRFToken": self.token(), **(HX if page.htmx else {})}
        data = page.data
        if page.name.startswith("step"):
            data = {**STEP, "carcinoid_syndrome": "true" if self.step_version % 2 else "false"}
            data["version"] = str(self.step_version)
        start = time.perf_counter()
        response = self.session.request(page.method, self.base + page.url, data=data, headers=headers)
        elapsed = (time.perf_counter() - start) * 1e3
        if response.status_code != 200:
            raise SystemExit(f"{page.name}: {response.status_code}")
        if page.name.startswith("step"):
            self.step_version = int(re.search(r'name="version" value="(\d+)"', response.text).group(1))
        return elapsed

    def prime_step(self, url: str) -> None:
        """Read the case's version from the step's form, as the browser has it."""
        page = self.session.get(self.base + url).text
        self.step_version = int(re.search(r'name="version" value="(\d+)"', page).group(1))


def count_queries(page_list: list[Page]) -> dict[str, int]:
    """Queries of one request per page, in-process with the test client against the same database."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.patients.models import Case

    client = Client()
    client.force_login(get_user_model().objects.get(username=CHAIR[0]))

    def send(page: Page):
        data = page.data
        if page.name.startswith("step"):
            public_id = page.url.split("/")[2]
            data = {**STEP, "carcinoid_syndrome": "true", "version": Case.objects.get(public_id=public_id).version}
        headers = HX if page.htmx else {}
        return getattr(client, page.method)(page.url, data, headers=headers) if data else client.get(page.url)

    counts = {}
    for page in [Page("floor (/ping/)", "get", "/ping/"), *page_list]:
        send(page)  # warm up: the session, the caches
        with CaptureQueriesContext(connection) as queries:
            response = send(page)
        assert response.status_code == 200, (page.name, response.status_code)
        counts[page.name] = len(queries)
    connection.close()
    return counts


def measure(base: str, page_list: list[Page], runs: int) -> dict[str, list[float]]:
    browser = Browser(base)
    step = next((page for page in page_list if page.name.startswith("step")), None)
    if step is not None:
        browser.prime_step(step.url)
    floor = Page("floor (/ping/)", "get", "/ping/")
    for page in [floor, *page_list]:  # warm up: templates, URL caches, connections of both workers
        for _ in range(4):
            browser.request(page)
    timings: dict[str, list[float]] = {page.name: [] for page in [floor, *page_list]}
    for _ in range(runs):
        for page in page_list:
            timings[floor.name].append(browser.request(floor))
            timings[page.name].append(browser.request(page))
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=40, help="timed requests per page and size (at least 20)")
    parser.add_argument("--reuse", action="store_true", help="keep the PostgreSQL database an earlier run built")
    parser.add_argument("--only", nargs="+", default=[], metavar="WORD", help="time only pages whose name has WORD")
    args = parser.parse_args()
    runs, sizes = max(args.runs, 20), sorted(args.sizes)
    tmp = tempfile.mkdtemp(prefix="sinen-scale-")
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    url = database_url(tmp, args.reuse)
    os.environ.update(
        {"DATABASE_URL": url, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1,testserver", "LOG_LEVEL": "ERROR"}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinen_mdt.settings")
    vendor = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    manage(None, "migrate", "--noinput", "-v0")
    results = {}
    world = None
    for size in sizes:
        seeded = manage(None, "seed_demo", "--scale", str(size))
        print(next(line for line in seeded.splitlines() if line.startswith("Scale data")), flush=True)
        if world is None:
            import django

            django.setup()
            world = bench_world()
        started = time.monotonic()
        added = board_history()
        print(f"Board history: {added:,} placeholder signed decisions added ({time.monotonic() - started:.1f} s)")
        page_list = [p for p in pages(world) if not args.only or any(w in p.name for w in args.only)]
        port = free_port()
        server = start_gunicorn(None, port, workers=2, threads=2)
        try:
            base = f"http://127.0.0.1:{port}"
            timings = measure(base, page_list, runs)
            counts = count_queries(page_list)
        finally:
            server.terminate()
            server.wait(timeout=30)
        results[size] = (timings, counts)
        report(vendor, size, runs, timings, counts)
    return verdict(vendor, sizes, results)


def ratio(timings: dict, name: str) -> float:
    return statistics.median(timings[name]) / statistics.median(timings["floor (/ping/)"])


def report(vendor: str, size: int, runs: int, timings: dict, counts: dict) -> None:
    print(f"\n{vendor}, {size:,} cases, {runs} requests per page (each after a floor request)")
    print(f"{'page':<30} {'median':>8} {'p95':>8} {'x floor':>8} {'queries':>8}")
    for name, values in timings.items():
        print(
            f"{name:<30} {statistics.median(values):6.1f}ms {p95(values):6.1f}ms "
            f"{ratio(timings, name):7.1f}x {counts[name]:8d}"
        )


def verdict(vendor: str, sizes: list[int], results: dict) -> int:
    smallest, largest = sizes[0], sizes[-1]
    timings_small, counts_small = results[smallest]
    timings_large, counts_large = results[largest]
    ok = True
    print(f"\n{vendor}: growth from {smallest:,} to {largest:,} cases (ratio to the floor, and queries)")
    for name in timings_large:
        if name.startswith("floor"):
            continue
        growth = ratio(timings_large, name) / ratio(timings_small, name)
        within = ratio(timings_large, name) <= RATIO_BUDGET and growth <= GROWTH_BUDGET
        ok &= within
        print(
            f"{name:<30} {ratio(timings_small, name):5.1f}x -> {ratio(timings_large, name):5.1f}x   growth "
            f"{growth:4.2f}   queries {counts_small[name]} -> {counts_large[name]}   {'ok' if within else 'OVER'}"
        )
    meeting = statistics.median(timings_large.get("meeting page, 30 items", [0.0]))
    if vendor == "PostgreSQL":
        ok &= meeting <= MEETING_BUDGET_MS
    print(
        f"\nbudget: every page <= {RATIO_BUDGET:.0f}x the floor, growth <= {GROWTH_BUDGET}x, meeting page (30 items) "
        f"<= {MEETING_BUDGET_MS:.0f} ms at {largest:,} on PostgreSQL (here {vendor}: {meeting:.1f} ms, 0: not timed): "
        f"{'met' if ok else 'EXCEEDED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
