"""Benchmark of following the chair (issue 18): the cost of an idle follower's poll with 30 followers.

Builds a meeting in progress with a few cases and 30 members (each a user with the clinician role and a
session of their own) in a throwaway database. Each follower loads the poll once (200 with the room's ETag),
then every follower polls in turn with If-None-Match, as the browser revalidates every second: the answer
is 304, given before the middleware stack by cases/meetings/follow.py. Times each poll through Django's
handler with the test client, in-process (the client's own work included), and counts its queries; then the
same polls through the whole stack and the view (session, login, permission: the early answer left out), for
comparison. Prints the median and p95 server time in milliseconds.

    .venv/bin/python bench/follow.py [--rounds N]          # SQLite in a temporary directory
    DATABASE_URL=postgres://... .venv/bin/python bench/follow.py   # an empty PostgreSQL database

Budget (issue 18): ≤ 1 ms median server time per idle poll.
"""

import argparse
import statistics
import sys
import time

import inprocess  # noqa: F401  (sets Django up: first, before any Django import)
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.meetings.models import AgendaItem, Meeting, MeetingStatus
from cases.patients.models import Case, Patient

FOLLOWERS = 30
BUDGET_MS = 1.0


def seed() -> tuple[str, list[Client]]:
    """Create the meeting and the followers; return the poll URL and a logged-in client per follower."""
    call_command("migrate", verbosity=0)
    chair = User.objects.create_user("chair", first_name="Chair", last_name="Bench")
    chair.groups.add(Group.objects.get(name="chair"))
    meeting = Meeting.objects.create(
        title="Benchmark board", scheduled_at=timezone.now(), chair=chair, status=MeetingStatus.IN_PROGRESS
    )
    items = []
    for n in range(5):
        patient = Patient.objects.create(
            hospital_number=f"FOLLOW-{n:04d}", family_name=f"Follow{n}", given_name="Bench",
            date_of_birth="1960-01-01", sex="female",
        )  # fmt: skip
        case = Case.objects.create(patient=patient, referral_date="2026-10-01", referring_clinician="Dr Bench")
        items.append(AgendaItem.objects.create(meeting=meeting, case=case, position=n + 1))
    Meeting.objects.filter(pk=meeting.pk).update(current_item=items[0], room_version=7)
    clients = []
    for n in range(FOLLOWERS):
        member = User.objects.create_user(f"member{n}")
        member.groups.add(Group.objects.get(name="clinician"))
        client = Client()
        client.force_login(member)
        clients.append(client)
    url = reverse("meetings:follow", kwargs={"public_id": meeting.public_id})
    return f"{url}?item={items[0].public_id}&v=7", clients


def time_polls(
    url: str, clients: list[Client], etags: list[str], rounds: int
) -> tuple[float, float, float, list[str]]:
    """Return the median and p95 wall time in milliseconds of ROUNDS idle polls per follower, the mean CPU time
    of this process per poll (the app server's own work, without waiting for the database), and one poll's SQL."""
    for client, etag in zip(clients, etags, strict=True):  # warm up: sessions, URL and permission caches
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    with CaptureQueriesContext(connection) as queries:
        clients[0].get(url, headers={"If-None-Match": etags[0]})
    sql = [q["sql"] for q in queries]  # now: every later request starts by emptying the connection's query log
    timings = []
    cpu = time.process_time()
    for _ in range(rounds):
        for client, etag in zip(clients, etags, strict=True):
            start = time.perf_counter()
            response = client.get(url, headers={"If-None-Match": etag})
            timings.append((time.perf_counter() - start) * 1e3)
            assert response.status_code == 304
    cpu_ms = (time.process_time() - cpu) * 1e3 / len(timings)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1], cpu_ms, sql


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="polls per follower (default 20)")
    rounds = max(parser.parse_args().rounds, 5)
    url, clients = seed()
    etags = []
    for client in clients:
        first = client.get(url)
        assert first.status_code == 200, first.status_code
        etags.append(first["ETag"])
    median, p95, cpu_ms, sql = time_polls(url, clients, etags, rounds)
    print(f"{FOLLOWERS} followers x {rounds} idle polls, database: {connection.vendor}")
    print(f"idle poll (304): median {median:.2f} ms   p95 {p95:.2f} ms   CPU {cpu_ms:.2f} ms   {len(sql)} queries")
    for statement in sql:
        print(f"  {statement[:110]}")
    # The same polls through the whole middleware stack and the view, for comparison in the same run.
    stack = [m for m in settings.MIDDLEWARE if m != "cases.meetings.follow.FollowPollMiddleware"]
    with override_settings(MIDDLEWARE=stack):
        # New clients with the same sessions: a client loads the middleware at its first request.
        stack_clients = [Client() for _ in clients]
        for stack_client, client in zip(stack_clients, clients, strict=True):
            stack_client.cookies = client.cookies
        stack_median, stack_p95, stack_cpu_ms, stack_sql = time_polls(url, stack_clients, etags, rounds)
    print(
        f"the same through the whole stack: median {stack_median:.2f} ms   p95 {stack_p95:.2f} ms   "
        f"CPU {stack_cpu_ms:.2f} ms   {len(stack_sql)} queries"
    )
    within = median <= BUDGET_MS
    print(f"budget: median ≤ {BUDGET_MS:.0f} ms per idle poll: {'met' if within else 'EXCEEDED'}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
