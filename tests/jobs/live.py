"""Real processes for the tests of background work: the task worker (`manage.py db_worker`) against the
test database, and a cookie-keeping HTTP client for app servers on loopback (tests/security/servers.py)."""

import re
import subprocess
import sys
from contextlib import contextmanager
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from django.db import connection

from tests.security.servers import ROOT, clean_env, stop

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ON_POSTGRESQL_ONLY = (
    "needs a database that other processes can open: the SQLite test database is in memory "
    "(tests/jobs/test_make_run.py runs the worker on an SQLite file)"
)


def database_url_of_the_tests() -> str:
    """The DATABASE_URL of the PostgreSQL database this test runs on (pytest-django's test database)."""
    db = connection.settings_dict
    credentials = f"{quote(db['USER'], safe='')}:{quote(db['PASSWORD'], safe='')}@" if db["USER"] else ""
    return f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


def worker_command(worker_id: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-startup-delay",
        "--no-reload",
        f"--worker-id={worker_id}",
        *extra,
    ]


def run_queued_tasks(database_url: str, worker_id: str) -> subprocess.CompletedProcess:
    """Run every task in the queue in a real worker process, which then ends (--batch)."""
    return subprocess.run(
        worker_command(worker_id, "--batch"),
        cwd=ROOT,
        env=clean_env(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )


@contextmanager
def working(database_url: str, worker_id: str):
    """A worker polling the queue every 0.2 s while the block runs; stopped (SIGTERM) afterwards."""
    process = subprocess.Popen(
        worker_command(worker_id, "--interval=0.2"),
        cwd=ROOT,
        env=clean_env(DATABASE_URL=database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        stop(process, timeout=15)  # a worker finishes the task it is running first


class _KeepRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test looks at every 3xx itself


class Browser:
    """Cookies kept for 127.0.0.1 whatever the port, as a browser behind one load balancer address would."""

    def __init__(self) -> None:
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies), _KeepRedirects)

    def request(self, port: int, path: str, data: dict | None = None, headers: dict | None = None):
        """Return (status, headers, body) of a GET, or a POST of DATA with the CSRF token."""
        headers = dict(headers or {})
        body = None
        if data is not None:
            headers["X-CSRFToken"] = self.cookie("csrftoken")
            body = urlencode(data).encode()
        request = Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except HTTPError as error:
            return error.code, error.headers, error.read()

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == name)

    def log_in(self, port: int, username: str, password: str) -> None:
        status, _, body = self.request(port, "/accounts/login/")
        assert status == 200, status
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        status, headers, _ = self.request(
            port, "/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        assert status == 302 and headers["Location"] == "/", (status, headers.get("Location"))
