"""Benchmark of following the chair (issue 18): the cost of an idle follower's poll with 30 followers.

Builds a meeting in progress with a few cases and 30 members (each a user with the clinician role and a
session of their own) in a throwaway database. Each follower loads the poll once (200 with the room's ETag),
then every follower polls in turn with If-None-Match, as the browser revalidates every second: the answer
is 304, given before the middleware stack by cases/meetings/follow.py. Times each poll in-process through
Django's WSGI handler as gunicorn calls it (the request_started and request_finished signals included, and so
a reused connection's health check), and counts its queries; then the same polls through the whole stack and
the view (session, login, permission: the early answer left out), for comparison. Prints the median and p95
server time in milliseconds, the app's CPU per poll and, on PostgreSQL on this machine, the database
backend's CPU per poll (what the machine spends whatever else runs on it).

    .venv/bin/python bench/follow.py [--rounds N]          # SQLite in a temporary directory
    DATABASE_URL=postgres://... .venv/bin/python bench/follow.py   # an empty PostgreSQL database

Budget (issue 18): ≤ 1 ms median server time per idle poll.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

import inprocess  # noqa: F401  (sets Django up: first, before any Django import)
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.handlers.wsgi import WSGIHandler
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


def backend_cpu_seconds() -> float | None:
    """Return the CPU seconds used so far by this connection's PostgreSQL backend (Linux /proc, the server on this
    machine), or None elsewhere: what the database itself spends on the polls."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def poll_environ(url: str, client: Client, etag: str) -> dict:
    """Return the WSGI environ of CLIENT's revalidating poll, as gunicorn hands it to Django."""
    path, _, query = url.partition("?")
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    return {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver", "HTTP_COOKIE": cookies, "HTTP_IF_NONE_MATCH": etag,
        "HTTP_HX_REQUEST": "true", "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
    }  # fmt: skip


def serve(handler: WSGIHandler, environ: dict) -> str:
    """Answer ENVIRON as gunicorn does: call the application, read the body, close it; return the status."""
    status = []
    response = handler(dict(environ, **{"wsgi.input": io.BytesIO()}), lambda s, headers: status.append(s))
    b"".join(response)
    response.close()  # request_finished: what Django does after every request happens here
    return status[0]


def time_polls(handler: WSGIHandler, environs: list[dict], rounds: int) -> dict:
    """Time ROUNDS idle polls per follower through HANDLER, as gunicorn calls it (the request_started and
    request_finished signals included: a reused connection's health check among them).

    Returns the median and p95 wall time in milliseconds, the mean CPU time per poll of this process (the app
    server's own work) and of the database's backend (None on SQLite), and one poll's SQL.
    """
    for environ in environs:  # warm up: statements, URL and permission caches
        assert serve(handler, environ).startswith("304"), serve(handler, environ)
    with CaptureQueriesContext(connection) as queries:
        serve(handler, environs[0])
    sql = [q["sql"] for q in queries]
    timings = []
    backend = backend_cpu_seconds()
    cpu = time.process_time()
    for _ in range(rounds):
        for environ in environs:
            start = time.perf_counter()
            status = serve(handler, environ)
            timings.append((time.perf_counter() - start) * 1e3)
            assert status.startswith("304"), status
    cpu_ms = (time.process_time() - cpu) * 1e3 / len(timings)
    backend_after = backend_cpu_seconds()
    backend_ms = (backend_after - backend) * 1e3 / len(timings) if backend is not None else None
    return {
        "median": statistics.median(timings), "p95": statistics.quantiles(timings, n=20)[-1], "cpu": cpu_ms,
        "db_cpu": backend_ms, "sql": sql,
    }  # fmt: skip


def describe(figures: dict) -> str:
    db_cpu = f"   database CPU {figures['db_cpu']:.2f} ms" if figures["db_cpu"] is not None else ""
    return (
        f"median {figures['median']:.2f} ms   p95 {figures['p95']:.2f} ms   app CPU {figures['cpu']:.2f} ms{db_cpu}"
        f"   {len(figures['sql'])} queries"
    )


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
    environs = [poll_environ(url, client, etag) for client, etag in zip(clients, etags, strict=True)]
    early = time_polls(WSGIHandler(), environs, rounds)
    print(f"{FOLLOWERS} followers x {rounds} idle polls, database: {connection.vendor}, load {os.getloadavg()[0]:.1f}")
    print(f"idle poll (304): {describe(early)}")
    for statement in early["sql"]:
        print(f"  {statement[:110]}")
    # The same polls through the whole middleware stack and the view, for comparison in the same run.
    stack = [m for m in settings.MIDDLEWARE if m != "cases.meetings.follow.FollowPollMiddleware"]
    with override_settings(MIDDLEWARE=stack):
        whole = time_polls(WSGIHandler(), environs, rounds)  # a handler loads the middleware when made
    print(f"the same through the whole stack: {describe(whole)}")
    median = early["median"]
    within = median <= BUDGET_MS
    print(f"budget: median ≤ {BUDGET_MS:.0f} ms per idle poll: {'met' if within else 'EXCEEDED'}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
