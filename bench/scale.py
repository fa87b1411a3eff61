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

A PostgreSQL database's name must start with sinen_scale: it is dropped and created again (unless --reuse,
e.g. `--reuse --sizes 100000` on a database that bench/load.py or an earlier run seeded). Needs
requests (requirements-bench.txt). Not run by CI.

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

    from cases.meetings import services
    from cases.meetings.models import AgendaItem, Meeting, MeetingStatus
    from cases.meetings.scale import hospital_number
    from cases.pathways.guideline_versions import active_guideline
    from cases.pathways.services import assess
    from cases.patients.models import Case

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
    item = meetings[30].agenda_items.order_by("position").first()
    draft = Case.objects.filter(patient__hospital_number=hospital_number(1)).get()
    return {
        "meeting_30": meetings[30].get_absolute_url(),
        "meeting_100": meetings[100].get_absolute_url(),
        "present": f"/meetings/{meetings[30].public_id}/present/{item.public_id}/",
        "agenda_search": f"/meetings/{meetings[30].public_id}/agenda/search/",
        "step": f"/cases/{draft.public_id}/pathway/presentation/",
    }


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
    browser.prime_step(page_list[-1].url)
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
    parser.add_argument(
        "--reuse", action="store_true", help="keep SCALE_DATABASE_URL's database (seeding is idempotent): any name"
    )
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
        page_list = pages(world)
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
    meeting = statistics.median(timings_large["meeting page, 30 items"])
    if vendor == "PostgreSQL":
        ok &= meeting <= MEETING_BUDGET_MS
    print(
        f"\nbudget: every page <= {RATIO_BUDGET:.0f}x the floor, growth <= {GROWTH_BUDGET}x, meeting page (30 items) "
        f"<= {MEETING_BUDGET_MS:.0f} ms at {largest:,} on PostgreSQL (here {vendor}: {meeting:.1f} ms): "
        f"{'met' if ok else 'EXCEEDED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
