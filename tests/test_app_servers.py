"""More than one app server on one PostgreSQL database: two gunicorn instances and one task worker on
loopback, as a load balancer would spread a user's requests. A login on one server holds on the other
(sessions are in the database), and a draft outcome pack asked for on one is rendered by the worker and
downloaded from the other, byte for byte what the database keeps.

Transactional: the servers and the worker read what the test commits. PostgreSQL only (ON_POSTGRESQL_ONLY).
"""

import io
import re
import time
from contextlib import ExitStack

import pypdf
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection
from django_tasks_db.models import DBTaskResult

from cases.audit.models import AccessAction, AccessLog
from cases.jobs.models import Job
from tests.jobs.live import ON_POSTGRESQL_ONLY, Browser, database_url_of_the_tests, working
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.patients.factories import STAGE_IV, make_case, make_patient
from tests.security.servers import serving

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason=ON_POSTGRESQL_ONLY),
]

PASSWORD = "two-servers-one-database"


def test_a_user_works_across_two_app_servers_and_a_pack_queued_on_one_is_downloaded_from_the_other(
    chair, clinician, viewer
):
    meeting = make_meeting(chair, title="Two-server board")
    signed(add_item(meeting), clinician, chair)
    record(add_item(meeting, make_case(patient=make_patient(family_name="Farkas"), **STAGE_IV)), clinician)
    # The servers check passwords with the production hashers (the tests hash with MD5).
    hasher = Argon2PasswordHasher()
    viewer.password = hasher.encode(PASSWORD, hasher.salt())
    viewer.save(update_fields=["password"])
    database_url = database_url_of_the_tests()
    browser = Browser()
    with ExitStack() as stack:
        first = stack.enter_context(serving("gunicorn", database_url))
        second = stack.enter_context(serving("gunicorn", database_url))
        stack.enter_context(working(database_url, "the-only-worker"))

        browser.log_in(first, "viewer", PASSWORD)
        status, _, page = browser.request(second, f"/meetings/{meeting.public_id}/")
        assert status == 200 and b"Two-server board" in page  # the session made on the first server

        status, headers, _ = browser.request(first, f"/meetings/{meeting.public_id}/outcome-pack.pdf", data={})
        assert status == 303
        job_page = headers["Location"]
        assert re.fullmatch(r"/jobs/[0-9a-f-]{36}/", job_page)

        deadline = time.monotonic() + 45
        while True:  # what the page's htmx polling does, on the other server
            status, _, body = browser.request(second, job_page, headers={"HX-Request": "true"})
            assert status == 200
            if b'data-status="done"' in body or b'data-status="failed"' in body or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert b'data-status="done"' in body, body.decode()

        download = job_page + "download"
        status, headers, from_second = browser.request(second, download)
        assert status == 200 and headers["Content-Type"] == "application/pdf"
        status, _, from_first = browser.request(first, download)
        assert status == 200

    job = Job.objects.get()
    assert from_second == from_first == bytes(job.result)
    assert len(pypdf.PdfReader(io.BytesIO(from_second)).pages) >= 2  # the cover, then the summaries
    assert DBTaskResult.objects.get(id=job.task_id).worker_ids == ["the-only-worker"]
    downloads = AccessLog.objects.filter(action=AccessAction.PDF_DOWNLOAD, object_id=meeting.public_id)
    assert downloads.count() == 2 and {entry.user for entry in downloads} == {viewer}
