"""What the HTTP benches share: a throwaway PostgreSQL database, manage.py, and gunicorn on loopback."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def recreate_database(url: str, prefix: str) -> None:
    """Drop and create the PostgreSQL database of URL, whose name must start with PREFIX, on this machine."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith(prefix):
        raise SystemExit(f"refusing to drop {name!r}: the benchmark's database name must start with {prefix}")
    if parts.hostname not in LOOPBACK:
        raise SystemExit("the benchmark runs against a database on this machine only")
    admin = {"dbname": "postgres", "user": parts.username, "password": parts.password or ""}
    admin |= {"host": parts.hostname, "port": parts.port or 5432}
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict | None, *args: str, timeout: int = 1800) -> str:
    """Run manage.py ARGS with ENV (None: this process's); return its output, or exit with its errors."""
    done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} failed:\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict | None, port: int, workers: int, threads: int) -> subprocess.Popen:
    """Start gunicorn on 127.0.0.1:PORT and return once a worker answers (the master listens before its workers
    have loaded and warmed the app: sinen_mdt/warmup.py), so the figures are of a running server, not of its start."""
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and gunicorn)
        [
            PYTHON, "-m", "gunicorn", "sinen_mdt.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads),
            "--log-level", "warning", "--timeout", "60",
            # Longer than a user's pause, so a kept-alive connection is not closed as the next request goes out.
            "--keep-alive", "30",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                # Any answer will do (a 400 for a host the settings do not allow says the app is up too).
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if sock.recv(16):
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def start_worker(env: dict | None) -> subprocess.Popen:
    """Start the task worker (`manage.py db_worker`) on ENV's database; it polls its queue every second.

    At nice 10, as the README's systemd unit runs it beside the app servers: pages go before renders.
    """
    return subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
        [PYTHON, "manage.py", "db_worker", "--no-reload"], cwd=ROOT, env=env, preexec_fn=lambda: os.nice(10)
    )


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system, seconds) used so far by process PID and its children (Linux /proc):
    gunicorn's master and its workers, say. A process gone in the meantime counts as nothing."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    try:
        pids += [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return 0.0
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime and stime, fields 14 and 15 of stat
    return total


def postgres_cpu_seconds() -> float:
    """Return the CPU time (user + system, seconds) used so far by PostgreSQL on this machine: its live processes,
    and the backends that have ended (a connection closed after CONN_MAX_AGE), which the postmaster has
    collected (its children's times). Other databases' clients count too: read it beside the load average."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text.split("(", 1)[1].rsplit(")", 1)
        if name != "postgres":
            continue
        fields = rest.split()
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        if fields[1] == "1" or Path(f"/proc/{fields[1]}/comm").read_text().strip() != "postgres":
            total += (int(fields[13]) + int(fields[14])) / tick  # the postmaster: its ended children's
    return total
