"""Real servers on loopback for the tests that must see the bytes on the wire: runserver and gunicorn.

Each runs the app in its own process on its own SQLite file, with the environment of a fresh shell
(no DEBUG, no production settings unless given), and is stopped when the test is done.
"""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Settings the test run may have set that a fresh shell would not have.
CLEARED = {"SINEN_PRODUCTION", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(extra)
    return env


def migrated_sqlite(path: Path) -> str:
    """Create an SQLite database at PATH with every migration applied; return its DATABASE_URL."""
    url = f"sqlite:///{path}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=clean_env(DATABASE_URL=url),
        check=True,
        timeout=120,
    )
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


COMMANDS = {
    "runserver": lambda port: [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
    "gunicorn": lambda port: [
        sys.executable,
        "-m",
        "gunicorn",
        "sinen_mdt.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
    ],
}


@contextmanager
def serving(kind: str, database_url: str, **env: str):
    """Start KIND ("runserver" or "gunicorn") on a free loopback port; yield the port; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        COMMANDS[kind](port),
        cwd=ROOT,
        env=clean_env(DATABASE_URL=database_url, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{kind} ended at start-up: {process.stderr.read()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        # gunicorn's master listens before its worker has loaded the app (2-3 s on a busy machine): wait for
        # an answer, whatever it is (a 400 for a host the settings do not allow says the app is up too).
        while not exchange(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{kind} did not answer within 60 s")
        yield port
    finally:
        stop(process)


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """End PROCESS with SIGTERM, or with SIGKILL if it has not ended within TIMEOUT seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def exchange(port: int, head: bytes, body_chunks=(), timeout: float = 20) -> bytes:
    """Send HEAD and then each of BODY_CHUNKS on one connection; return every byte the server answers
    until it closes the connection or goes quiet. A server that answers before the whole body is sent
    may close early: sending then fails, and the answer is read all the same."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(head)
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        received = b""
        sock.settimeout(3)
        while True:
            try:
                data = sock.recv(65536)
            except TimeoutError:
                break
            except ConnectionResetError:
                break
            if not data:
                break
            received += data
        return received


def http_get(port: int, path: str, host: str = "127.0.0.1") -> tuple[int, dict[str, str], bytes]:
    """A plain HTTP/1.1 GET that closes the connection; return status, headers (lower-case names) and body."""
    raw = exchange(port, f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    return parse(raw)[0]


def parse(raw: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """Split the bytes of one connection into its responses (bodies by Content-Length, or to the end)."""
    responses = []
    while raw.startswith(b"HTTP/"):
        head, _, rest = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {
            name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])
        }
        if "content-length" in headers:
            length = int(headers["content-length"])
            body, raw = rest[:length], rest[length:]
        else:
            body, raw = rest, b""
        responses.append((status, headers, body))
    return responses
