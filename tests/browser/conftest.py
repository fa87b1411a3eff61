"""Playwright driving Debian's Chromium against pytest-django's live_server.

`playwright install` cannot download browsers on hospital or CI networks, so we launch the system
Chromium (`apt-get install chromium`; `make test` installs it when missing).
"""

import os
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect, sync_playwright

from tests.browser.axe import axe_violations
from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
# Flags that keep Chromium from reaching for Google's services on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class SerialLiveServer(ThreadedWSGIServer):
    """A live server that runs one request at a time, each connection still read by a thread of its own.

    On SQLite the test database lives in memory, and the live server hands its one connection to every
    request thread. Two requests at once, such as a what-if preview still running when the step is
    saved, then use one sqlite3 connection from two threads, and one of them fails ("bad parameter or
    other API misuse"). That is a test-server artefact: a real server gives each thread its own
    connection. So the app is called under one lock, its answer read to the end and closed within it.

    The connections are not served one after the other: Chromium opens connections it may not use (a backup
    connection when a connect is slow, as on a busy machine), and a server that waited for a request on such
    an idle one answered nothing else until Chromium closed it, after the test's patience had run out
    (tests/browser/test_live_server_browser.py). On PostgreSQL the threaded server stays as it is.
    """

    app_lock = threading.Lock()

    def get_app(self):
        app = super().get_app()

        def one_at_a_time(environ, start_response):
            with self.app_lock:
                answer = app(environ, start_response)
                try:
                    body = b"".join(answer)
                finally:
                    if hasattr(answer, "close"):
                        answer.close()  # request_finished, and the database's cleanup, inside the lock too
            return [body]

        return one_at_a_time


if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    LiveServerThread.server_class = SerialLiveServer


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop running in the main thread for the rest of the
    # session; Django's ORM calls made by the tests around it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, base_url: str, width: int = 1400, height: int = 900):
    """Open a page in a browser context of its own that collects console messages and script errors."""
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
    page = context.new_page()
    page.console_messages = []
    page.page_errors = []
    page.on("console", lambda message: page.console_messages.append(message))
    page.on("pageerror", lambda error: page.page_errors.append(error))
    return page


@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server.url)
    yield page
    page.context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ (look at them)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def assert_no_script_or_csp_errors(page) -> None:
    """No uncaught JavaScript error and no Content-Security-Policy violation on the pages visited, and no serious
    or critical accessibility violation (axe-core, contrast among them) on the page shown at the end."""
    assert page.page_errors == []
    assert [m.text for m in page.console_messages if "Content Security Policy" in m.text] == []
    assert axe_violations(page) == []


def log_in(page, username: str) -> None:
    """Sign USERNAME in (the test users' password) with the keyboard and wait for the signed-in page."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_test_id("current-user")).to_be_visible()
