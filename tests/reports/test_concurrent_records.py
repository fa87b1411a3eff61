"""At the same time: downloads of a signed decision, sign-offs, access log entries. Nothing forks, nothing fails.

Downloads of a signed decision only read its stored PDF (a missing one is never rendered again), so two at
once cannot collide; sign-offs and access log entries take their chain's lock (a PostgreSQL advisory lock;
SQLite's write lock), and an access log entry written inside a caller's transaction is appended optimistically (a
taken position is refused, the entry is linked and signed again after the new last one), so positions follow each
other without a gap or a fork.

The threaded tests run on PostgreSQL: SQLite's in-memory test database shares one cache between threads,
which refuses a concurrent write at once instead of waiting for it (production SQLite is a file in WAL mode
with a busy timeout). The read-only download path is also tested on both databases without threads.
"""

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction
from django.test import Client

from cases import integrity
from cases.audit.log import append
from cases.audit.models import AccessAction, AccessLog
from cases.meetings import services
from cases.meetings.models import Decision
from cases.reports.integrity import verify_records
from cases.reports.models import StoredSummary
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.meetings.triggers import delete_meeting_rows_past_the_guard
from tests.reports.tampering import as_owner

THREADED = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's shared-cache in-memory test database refuses concurrent writes instead of waiting",
)


def run_together(work, count: int) -> list:
    """Run WORK(n) in COUNT threads released at once; return their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(n):
        try:
            barrier.wait()
            results[n] = work(n)
        except Exception as exc:  # reported by the test
            results[n] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.fixture
def clean_meetings():
    yield
    delete_meeting_rows_past_the_guard()


@THREADED
@pytest.mark.django_db(transaction=True)
def test_two_downloads_of_a_signed_decision_at_once_both_get_the_stored_pdf(clean_meetings, clinician, chair, viewer):
    decision = signed(add_item(make_meeting(chair)), clinician, chair)
    stored = bytes(decision.stored_summary.pdf)
    url = f"/decisions/{decision.public_id}/summary.pdf"

    def download(n):
        client = Client()
        client.force_login(viewer)
        response = client.get(url)
        return response.status_code, b"".join(response) if response.status_code == 200 else b""

    results = run_together(download, 2)
    assert results == [(200, stored), (200, stored)]
    assert StoredSummary.objects.count() == 1


@THREADED
@pytest.mark.django_db(transaction=True)
def test_sign_offs_at_the_same_time_extend_one_chain(clean_meetings, clinician, chair):
    meeting = make_meeting(chair)
    drafts = [record(add_item(meeting), clinician) for _ in range(4)]
    results = run_together(lambda n: services.sign_decision(drafts[n], chair, drafts[n].lock_version), 4)
    assert all(isinstance(result, Decision) for result in results), results
    positions = sorted(Decision.objects.values_list("chain_position", flat=True))
    assert positions == [1, 2, 3, 4]
    assert verify_records().holds


@THREADED
@pytest.mark.django_db(transaction=True)
def test_access_log_entries_written_at_the_same_time_form_one_chain():
    def write(n):
        for i in range(10):
            append(AccessLog(action=AccessAction.VIEW, username=f"user{n}", path=f"/cases/{i}/"))

    results = run_together(write, 4)
    assert results == [None] * 4
    positions = list(AccessLog.objects.order_by("chain_position").values_list("chain_position", flat=True))
    assert positions == list(range(1, 41))
    report = verify_records()
    assert report.holds, [str(f) for f in report.findings]
    assert report.log_entries == 40


@THREADED
@pytest.mark.django_db(transaction=True)
def test_a_logged_page_appends_under_the_chains_lock_so_pages_do_not_race_for_a_position():
    """While another app server holds the access log's lock (reading, signing, inserting), a page's entry waits
    for it instead of signing for a position it would lose."""
    held, release = threading.Event(), threading.Event()

    def other_server(n):
        if n == 0:
            with transaction.atomic(), integrity.chain_lock("access_log"):
                held.set()
                release.wait(10)
            return None
        held.wait(10)
        threading.Timer(0.5, release.set).start()
        started = time.monotonic()
        append(AccessLog(action=AccessAction.VIEW, username="page", path="/cases/"))
        return time.monotonic() - started

    results = run_together(other_server, 2)
    assert results[0] is None
    assert results[1] >= 0.4  # it waited for the lock
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["page"]


def append_during_the_next_signature(monkeypatch, entry: AccessLog, *, elsewhere: bool = False) -> None:
    """Make another request's append of ENTRY land between the next append's reading of the chain and its insert:
    in the same transaction, or ELSEWHERE, in a caller's transaction on another connection that commits."""
    sign = integrity.next_link
    pending = [entry]

    def in_a_callers_transaction():
        try:
            with transaction.atomic():
                append(pending.pop())
        finally:
            connection.close()

    def racing(kind, last, payload):
        link = sign(kind, last, payload)
        if pending and elsewhere:
            other = threading.Thread(target=in_a_callers_transaction)
            other.start()
            other.join(30)
        elif pending:
            append(pending.pop())
        return link

    monkeypatch.setattr(integrity, "next_link", racing)


@THREADED
@pytest.mark.django_db(transaction=True)  # in autocommit, as a logged page appends
def test_an_entry_that_lost_its_position_is_linked_and_signed_after_the_winner(monkeypatch):
    """Under the chain's lock a page's entry can only lose its position to an entry that commits with a change in
    another request's transaction, which takes no lock (on SQLite that transaction would wait for the lock)."""
    append(AccessLog(action=AccessAction.LOGIN, username="first", path="/accounts/login/"))
    winner = AccessLog(action=AccessAction.ACCOUNT_CHANGED, username="winner", path="/")
    append_during_the_next_signature(monkeypatch, winner, elsewhere=True)
    append(AccessLog(action=AccessAction.VIEW, username="loser", path="/cases/"))
    chain = list(AccessLog.objects.order_by("chain_position").values_list("chain_position", "username"))
    assert chain == [(1, "first"), (2, "winner"), (3, "loser")]
    report = verify_records()
    assert report.holds, [str(f) for f in report.findings]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite: a transaction holds the database's write lock, so no other entry can come in between",
)
@pytest.mark.django_db
def test_a_lost_race_inside_a_callers_transaction_does_not_fail_the_change(monkeypatch, chair):
    append_during_the_next_signature(monkeypatch, AccessLog(action=AccessAction.VIEW, username="winner", path="/"))
    with transaction.atomic():
        chair.first_name = "Renamed"
        chair.save()
        append(AccessLog(action=AccessAction.ACCOUNT_CHANGED, username="admin", detail="chair: first name"))
    chair.refresh_from_db()
    assert chair.first_name == "Renamed"
    assert list(AccessLog.objects.order_by("chain_position").values_list("username", flat=True)) == ["winner", "admin"]
    assert verify_records().holds


@pytest.mark.django_db
def test_a_signed_decision_whose_pdf_has_gone_is_never_rendered_again(client, clinician, chair, viewer, caplog):
    decision = signed(add_item(make_meeting(chair)), clinician, chair)
    as_owner("DELETE FROM reports_storedsummary WHERE decision_id = %s", [decision.pk])
    client.force_login(viewer)
    for _ in range(2):  # the second download finds it missing as the first did
        response = client.get(f"/decisions/{decision.public_id}/summary.pdf")
        assert response.status_code == 409
        assert "Integrity failure: the signed PDF is missing" in response.content.decode()
        assert response["Content-Type"].startswith("text/html")
    case_response = client.get(f"/cases/{decision.agenda_item.case.public_id}/summary.pdf")
    assert case_response.status_code == 409
    assert not StoredSummary.objects.exists()
    assert f"signed decision {decision.public_id} has no stored PDF" in caplog.text
    entries = AccessLog.objects.filter(action=AccessAction.PDF_DOWNLOAD, object_id=decision.public_id)
    assert list(entries.values_list("status_code", flat=True)) == [409, 409]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chair", "administrator"])
def test_chairs_and_administrators_are_told_loudly(client, make_user, clinician, chair, role):
    from cases.access import Role

    decision = signed(add_item(make_meeting(chair)), clinician, chair)
    user = chair if role == "chair" else make_user("admin", Role.ADMINISTRATOR, is_staff=True)
    client.force_login(user)
    if role == "administrator":
        from tests.security.otp import pass_second_factor

        pass_second_factor(client, user)
    assert 'data-testid="record-alarm"' not in client.get("/").content.decode()
    as_owner("DELETE FROM reports_storedsummary WHERE decision_id = %s", [decision.pk])
    dashboard = client.get("/").content.decode()
    assert "Integrity failure: 1 signed decision has lost its signed PDF" in dashboard
    integrity_page = client.get("/records/integrity/").content.decode()
    assert str(decision.public_id) in integrity_page
    if role == "administrator":
        assert "Integrity failure: 1 signed decision" in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_other_roles_see_no_alarm_and_no_integrity_page(client, clinician, chair, viewer):
    decision = signed(add_item(make_meeting(chair)), clinician, chair)
    as_owner("DELETE FROM reports_storedsummary WHERE decision_id = %s", [decision.pk])
    client.force_login(viewer)
    assert 'data-testid="record-alarm"' not in client.get("/").content.decode()
    assert client.get("/records/integrity/").status_code == 403


@pytest.mark.django_db
def test_the_integrity_page_shows_the_certificate_to_print_and_download(client, chair):
    client.force_login(chair)
    page = client.get("/records/integrity/").content.decode()
    identity = integrity.signing_identity()
    assert identity.fingerprint in page
    assert "-----BEGIN CERTIFICATE-----" in page
    response = client.get("/records/signing-certificate.pem")
    assert response.status_code == 200
    assert response.content.decode() == integrity.certificate_pem(identity.certificate)
