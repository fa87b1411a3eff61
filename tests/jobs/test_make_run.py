"""`make run` serves with `manage.py devserver`: the development server and a task worker, on an SQLite file.

A draft asked for on the server is made by the worker; Ctrl+C (SIGINT to the terminal's process group)
stops every process the command started, and so does killing the command itself outright."""

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest

from tests.jobs.live import Browser
from tests.security.servers import ROOT, clean_env, free_port, migrated_sqlite

PASSWORD = "make-run-viewer-password"
SETUP = f"""
from django.contrib.auth.models import Group, User
from tests.patients.factories import STAGE_IV, make_case
User.objects.create_user("viewer", password="{PASSWORD}").groups.add(Group.objects.get(name="viewer"))
print(make_case(**STAGE_IV).public_id)
"""


def descendants(pid: int) -> set[int]:
    """Every live process below PID (children, their children, ...)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until_gone(pids: set[int], seconds: float = 20) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.2)
    return {pid for pid in pids if alive(pid)}


def answering(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def devserver(tmp_path):
    """`manage.py devserver` on a free port, in a process group of its own as in a terminal.

    Yields the process, its port and the public id of a case without a decision (its summary is a draft).
    """
    url = migrated_sqlite(tmp_path / "db.sqlite3")
    env = clean_env(DATABASE_URL=url)
    case_id = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SETUP],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()  # fmt: skip
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "devserver", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    started = {process.pid}
    try:
        deadline = time.monotonic() + 60
        while not answering(port):
            assert process.poll() is None, "devserver ended at start-up"
            assert time.monotonic() < deadline, "devserver did not answer within 60 s"
            time.sleep(0.3)
        time.sleep(1)  # the worker starts beside the server
        started |= descendants(process.pid)
        yield process, port, case_id
    finally:
        for pid in started | descendants(process.pid):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait()


def test_the_worker_beside_the_server_makes_the_draft_and_ctrl_c_stops_everything(devserver):
    process, port, case_id = devserver
    started = descendants(process.pid)
    commands = {" ".join(Path(f"/proc/{pid}/cmdline").read_text().split("\0")[1:4]) for pid in started}
    assert any("runserver" in command for command in commands) and any("db_worker" in command for command in commands)

    browser = Browser()
    browser.log_in(port, "viewer", PASSWORD)
    status, headers, _ = browser.request(port, f"/cases/{case_id}/summary.pdf", data={})
    assert status == 303
    job_page = headers["Location"]
    deadline = time.monotonic() + 60
    while b'data-status="done"' not in (body := browser.request(port, job_page)[2]):
        assert b'data-status="failed"' not in body and time.monotonic() < deadline, body.decode()[-2000:]
        time.sleep(0.3)
    status, _, pdf = browser.request(port, job_page + "download")
    assert status == 200
    assert "DRAFT" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    os.killpg(process.pid, signal.SIGINT)  # what Ctrl+C in the terminal does
    assert process.wait(timeout=20) is not None
    assert wait_until_gone(started | {process.pid}) == set()


def test_killing_the_command_outright_leaves_no_server_or_worker_behind(devserver):
    process, _, _ = devserver
    started = descendants(process.pid)
    assert len(started) >= 4  # runserver and the worker, each with its reloading child
    process.kill()  # SIGKILL: no handler of the command runs
    process.wait()
    assert wait_until_gone(started) == set()
