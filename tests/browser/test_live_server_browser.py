"""The test server itself: the browser tests rely on it answering, whatever the browser's connections do."""

import socket
import time
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_connection_opened_and_left_idle_does_not_hold_up_the_pages(page, live_server, coordinator):
    """Chromium opens connections it may not use (a backup connection when a connect is slow, a preconnect); one
    left idle must not stop the test server from answering the browser's requests on its other connections."""
    address = urlsplit(live_server.url)
    log_in(page, "coordinator")
    with socket.create_connection((address.hostname, address.port)):  # connected, and no request sent
        time.sleep(0.2)  # accepted by the server before the page's own connection
        # A server serving one connection after another waited on the idle one, and this page timed out.
        response = page.goto("/ping/", timeout=10_000)
        assert response is not None and response.status == 200
