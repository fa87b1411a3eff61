"""Benchmark of meetings (issue 5): the meeting page and meeting mode with 30 agenda items.

Builds a meeting in progress with 30 cases (the demo cases' findings, repeated; every third case with a
signed decision, every third with a draft) and six members in a throwaway database, then times GET
requests through the whole Django stack with the test client, in-process, each after a request of the floor
page (/ping/: signed in, every middleware, a trivial template). Prints median and p95 server time in
milliseconds, the query count of each page and the ratio of its median to the floor's.

    .venv/bin/python bench/meeting.py [--runs N]          # SQLite in a temporary directory
    DATABASE_URL=postgres://... .venv/bin/python bench/meeting.py   # an empty PostgreSQL database

Budget (issue 5): ≤ 12 queries and a median ≤ 50 ms for each page.
"""

import argparse
import statistics
import sys
import time

import inprocess  # noqa: F401  (sets Django up: first, before any Django import)
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.meetings import services
from cases.meetings.models import AgendaItem, Attendance, Meeting, MeetingStatus
from cases.pathways.guideline_versions import active_guideline
from cases.pathways.services import assess
from cases.patients.demo import DEMO_CASES
from cases.patients.models import Case, Patient
from cases.specialties import Specialty

ITEMS = 30
QUERY_BUDGET = 12
MEDIAN_BUDGET_MS = 50.0


def user(username: str, role: str) -> User:
    account = User.objects.create_user(username, first_name=username.title(), last_name="Bench")
    account.groups.add(Group.objects.get(name=role))
    return account


def seed() -> tuple[Meeting, AgendaItem]:
    """Create the meeting; return it and the agenda item meeting mode is timed on (one with a draft)."""
    call_command("migrate", verbosity=0)
    chair, clinician = user("chair", "chair"), user("clinician", "clinician")
    meeting = Meeting.objects.create(
        title="Benchmark board", scheduled_at="2026-11-26T16:00Z", chair=chair, status=MeetingStatus.IN_PROGRESS
    )
    guideline = active_guideline()
    items = []
    for n in range(ITEMS):
        demo = DEMO_CASES[n % len(DEMO_CASES)]
        _, family, given, born, sex = demo["patient"]
        patient = Patient.objects.create(
            hospital_number=f"BENCH-{n:04d}", family_name=family, given_name=given, date_of_birth=born, sex=sex
        )
        case = Case.objects.create(
            patient=patient, referral_date="2026-10-01", referring_clinician="Dr Bench", question=demo["question"]
        )
        # Through the fields' own parsing, as a form would store them (decimals given as strings).
        for name, value in demo["findings"].items():
            setattr(case, name, Case._meta.get_field(name).to_python(value))
        case.save()
        items.append(AgendaItem.objects.create(meeting=meeting, case=case, position=n + 1, presenter=clinician))
    for n, item in enumerate(items):
        if n % 3 == 2:
            continue
        assessment = assess(item.case, guideline).assessment
        outcomes = [
            {
                "code": rec.code,
                "title": rec.title,
                "engine_verdict": rec.verdict.value,
                "outcome": "accept" if rec.verdict.value == "recommended" else "reject",
                "reason": "",
            }
            for rec in assessment.recommendations
        ]
        content = services.DecisionContent(
            outcomes, "Plan.", False, [{"what": "Follow up", "owner": "Clinic", "due_date": None}]
        )
        draft = services.record_decision(
            item, content, assessment=assessment, guideline=guideline, loaded_lock_version=0, user=clinician
        )
        if n % 3 == 0:
            services.sign_decision(draft, chair, draft.lock_version)
    for specialty in list(Specialty)[:6]:
        Attendance.objects.create(meeting=meeting, name=f"Dr {specialty.label}", specialty=specialty)
    return meeting, items[1]


FLOOR = "/ping/"  # signed in, every middleware, a trivial template


def timed(client: Client, url: str) -> tuple[float, float]:
    """Return the request's wall time and this process's CPU time for it, in milliseconds."""
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed, used = (time.perf_counter() - start) * 1e3, (time.process_time() - cpu) * 1e3
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, used


def time_page(client: Client, url: str, runs: int) -> tuple[float, float, int, float, float, float]:
    """Return the median and p95 in milliseconds over RUNS requests, the queries of one request, the floor
    page's median over as many requests, each sent just before one of the page's (same machine load), and
    the median CPU time of the page and of the floor (this process's: on a shared machine the steadier
    figure; with SQLite it includes the database's work)."""
    for _ in range(5):  # warm up: template and URL caches, the session
        assert client.get(url).status_code == 200
        assert client.get(FLOOR).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # now: every later request starts by emptying the connection's query log
    timings, floor = [], []
    for _ in range(runs):
        floor.append(timed(client, FLOOR))
        timings.append(timed(client, url))
    wall, cpu = [t for t, _ in timings], [c for _, c in timings]
    return (
        statistics.median(wall),
        statistics.quantiles(wall, n=20)[-1],
        count,
        statistics.median(t for t, _ in floor),
        statistics.median(cpu),
        statistics.median(c for _, c in floor),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="timed requests per page (default 100, at least 50)")
    runs = max(parser.parse_args().runs, 50)
    meeting, item = seed()
    client = Client()
    client.force_login(meeting.chair)
    pages = {
        "meeting page": meeting.get_absolute_url(),
        "meeting mode": reverse(
            "meetings:present_item", kwargs={"public_id": meeting.public_id, "item_id": item.public_id}
        ),
    }
    print(f"{ITEMS} agenda items, {runs} runs per page, database: {connection.vendor}")
    within = True
    for name, url in pages.items():
        median, p95, queries, floor, cpu, floor_cpu = time_page(client, url, runs)
        ok = queries <= QUERY_BUDGET and median <= MEDIAN_BUDGET_MS
        within &= ok
        print(
            f"{name:<13} median {median:6.1f} ms   p95 {p95:6.1f} ms   {queries:2d} queries   "
            f"{median / floor:5.1f}x the floor ({floor:.1f} ms)   CPU {cpu:5.1f} ms = {cpu / floor_cpu:4.1f}x the "
            f"floor's ({floor_cpu:.1f} ms)   {'ok' if ok else 'OVER'}"
        )
    print(f"budget: ≤ {QUERY_BUDGET} queries, median ≤ {MEDIAN_BUDGET_MS:.0f} ms: {'met' if within else 'EXCEEDED'}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
