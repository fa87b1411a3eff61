"""Signing and checking a PDF work in a thread that runs an asyncio event loop (an ASGI server's, a browser
test's): pyHanko's synchronous API would refuse with "asyncio.run() cannot be called from a running event loop".
"""

import asyncio

from cases.reports.signing import attached_record, pades_problems, sign_record_pdf
from tests.conftest import StubHTML


def test_a_pdf_is_signed_and_checked_inside_a_running_event_loop():
    async def inside_a_loop():
        pdf = sign_record_pdf(
            StubHTML("a record").write_pdf(), record=b'{"a":1}', record_name="r.json", description="d", reason="r"
        )
        return pdf, pades_problems(pdf)

    pdf, problems = asyncio.run(inside_a_loop())
    assert problems == []
    assert attached_record(pdf, "r.json") == b'{"a":1}'
