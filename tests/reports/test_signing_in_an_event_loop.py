"""Signing and checking a PDF work in a thread that runs an asyncio event loop (an ASGI server's, a browser
test's): pyHanko's synchronous API would refuse with "asyncio.run() cannot be called from a running event loop".
"""

import asyncio
import threading

from cases.reports.signing import attached_record, pades_problems, sign_record_pdf
from tests.conftest import StubHTML


def test_a_pdf_is_signed_and_checked_inside_a_running_event_loop():
    async def inside_a_loop():
        pdf = sign_record_pdf(
            StubHTML("a record").write_pdf(), record=b'{"a":1}', record_name="r.json", description="d", reason="r"
        )
        return pdf, pades_problems(pdf)

    # In a thread of its own: the test session may run a loop in the main thread already (the browser tests').
    results = []
    thread = threading.Thread(target=lambda: results.append(asyncio.run(inside_a_loop())))
    thread.start()
    thread.join(60)
    pdf, problems = results[0]
    assert problems == []
    assert attached_record(pdf, "r.json") == b'{"a":1}'
