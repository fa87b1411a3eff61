"""`manage.py verify_records` and the decision page tell when the signed record no longer holds.

Each test tampers as a database owner can (triggers dropped for the moment, tests/reports/tampering.py) and
expects exit status 1 with a line naming the record; a clean database exits 0. Run on SQLite by default
and on PostgreSQL with DATABASE_URL.
"""

import html
import io

import pytest
from django.core.management import call_command
from django.db import connection
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from cases import integrity
from cases.audit.log import append
from cases.audit.models import AccessAction, AccessLog
from cases.meetings import services
from cases.meetings.models import Decision
from cases.reports.models import StoredSummary
from tests.meetings.factories import add_item, make_meeting, signed
from tests.reports.tampering import as_owner

pytestmark = pytest.mark.django_db


def verify() -> tuple[int, str]:
    """Run verify_records; return its exit status and what it printed."""
    out = io.StringIO()
    try:
        call_command("verify_records", stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def decisions(clinician, chair):
    """Two signed decisions (chain positions 1 and 2) and a few access log entries."""
    meeting = make_meeting(chair)
    first = signed(add_item(meeting), clinician, chair, plan="Resect the primary and both liver metastases.")
    second = signed(add_item(meeting), clinician, chair, plan="Somatostatin analogue, re-image in 3 months.")
    for n in range(3):
        append(AccessLog(action=AccessAction.LOGIN, username=f"user{n}", path="/accounts/login/"))
    return first, second


def test_a_clean_database_holds(decisions):
    status, out = verify()
    assert status == 0, out
    assert "PROBLEM" not in out
    assert "Checked 2 signed decisions (0 signed before keyed signatures, hash only), 2 stored PDFs" in out
    assert "All records hold." in out
    head = integrity.sha256(services.chain_statement(decisions[1]))
    assert f"Head of the decisions chain: position 2, SHA-256 {head}" in out


def test_an_empty_database_holds(db):
    assert verify()[0] == 0


def problems_after(sql: str, params) -> str:
    as_owner(sql, params)
    status, out = verify()
    assert status == 1, out
    assert "the record does not hold" in out
    return "\n".join(line for line in out.splitlines() if line.startswith("PROBLEM"))


def test_a_changed_plan_is_found(decisions):
    first, _ = decisions
    found = problems_after("UPDATE meetings_decision SET plan = %s WHERE id = %s", ["Rewritten", first.pk])
    assert f"decision {first.public_id}: its content does not match the SHA-256 stored at signing" in found


def test_a_forged_hash_is_found_by_the_key_signature(decisions):
    """Change the plan and write the matching SHA-256 back: the hash matches, the key's signature does not."""
    first, _ = decisions
    decision = Decision.objects.get(pk=first.pk)
    decision.plan = "Rewritten after signing"
    forged = services.content_hash(decision)
    found = problems_after(
        "UPDATE meetings_decision SET plan = %s, content_sha256 = %s WHERE id = %s",
        [decision.plan, forged, first.pk],
    )
    assert f"decision {first.public_id}: the key's signature does not verify" in found
    assert "does not match the SHA-256" not in found.split(str(first.public_id))[1].split("\n")[0]


def test_a_signature_made_with_another_key_is_found(decisions, tmp_path):
    first, _ = decisions
    other = integrity.load_identity(integrity.generate_identity("an attacker's key"))
    text = services.chain_statement(first)
    found = problems_after(
        "UPDATE meetings_decision SET signature = %s, signing_key = %s WHERE id = %s",
        [other.sign(text), other.fingerprint, first.pk],
    )
    assert f"decision {first.public_id}: the key's signature does not verify" in found


def test_a_changed_follow_up_action_is_found(decisions):
    first, _ = decisions
    found = problems_after("UPDATE meetings_followupaction SET what = %s WHERE decision_id = %s", ["Nothing", first.pk])
    assert f"decision {first.public_id}: its content does not match" in found


def test_a_deleted_stored_pdf_is_found(decisions):
    first, _ = decisions
    found = problems_after("DELETE FROM reports_storedsummary WHERE decision_id = %s", [first.pk])
    assert f"decision {first.public_id}: its signed PDF is missing" in found


def test_a_stored_pdf_with_changed_bytes_is_found(decisions):
    first, _ = decisions
    pdf = bytes(first.stored_summary.pdf)
    changed = pdf.replace(b"/Subject", b"/Subjekt", 1)
    assert changed != pdf
    found = problems_after("UPDATE reports_storedsummary SET pdf = %s WHERE decision_id = %s", [changed, first.pk])
    assert f"decision {first.public_id}: its stored PDF does not match the SHA-256 stored with it" in found


def test_a_stored_pdf_replaced_with_its_hash_is_found(decisions):
    """Put another decision's validly signed PDF in its place and fix the stored hash: still found."""
    first, second = decisions
    other = bytes(second.stored_summary.pdf)
    found = problems_after(
        "UPDATE reports_storedsummary SET pdf = %s, sha256 = %s, byte_size = %s WHERE decision_id = %s",
        [other, StoredSummary.digest(other), len(other), first.pk],
    )
    assert f"decision {first.public_id}: its stored PDF is not the one the decision's signature names" in found
    assert f"decision {first.public_id}: its PDF does not carry the decision's signed content" in found


def test_a_pdf_changed_after_signing_by_an_incremental_update_is_found(decisions):
    first, _ = decisions
    writer = IncrementalPdfFileWriter(io.BytesIO(bytes(first.stored_summary.pdf)))
    writer.root["/Lang"] = generic.TextStringObject("de")  # any change, appended after the signature
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()
    found = problems_after(
        "UPDATE reports_storedsummary SET pdf = %s, sha256 = %s, byte_size = %s WHERE decision_id = %s",
        [pdf, StoredSummary.digest(pdf), len(pdf), first.pk],
    )
    assert "its digital signature does not cover the whole file" in found


def test_a_deleted_signed_decision_is_found_by_the_chain(decisions):
    first, second = decisions
    as_owner("DELETE FROM reports_storedsummary WHERE decision_id = %s", [first.pk])
    as_owner("DELETE FROM meetings_followupaction WHERE decision_id = %s", [first.pk])
    as_owner("DELETE FROM meetings_decidedoption WHERE decision_id = %s", [first.pk])
    found = problems_after("DELETE FROM meetings_decision WHERE id = %s", [first.pk])
    assert f"decision {second.public_id}: the chain jumps from position 0 to 2" in found
    assert f"decision {second.public_id}: its link to the decision signed before it is broken" in found


def test_reordered_decisions_are_found_by_the_chain(decisions):
    first, second = decisions
    as_owner("UPDATE meetings_decision SET chain_position = 99 WHERE id = %s", [first.pk])
    as_owner("UPDATE meetings_decision SET chain_position = 1 WHERE id = %s", [second.pk])
    found = problems_after("UPDATE meetings_decision SET chain_position = 2 WHERE id = %s", [first.pk])
    assert "its link to the decision signed before it is broken" in found
    assert "the key's signature does not verify" in found


def test_a_changed_access_log_entry_is_found(decisions):
    entry = AccessLog.objects.order_by("chain_position").last()
    found = problems_after("UPDATE audit_accesslog SET username = %s WHERE id = %s", ["someone else", entry.pk])
    assert f"access log entry {entry.chain_position} (id {entry.pk}): its signature does not verify" in found


def test_a_deleted_access_log_entry_is_found(decisions):
    entries = list(AccessLog.objects.order_by("chain_position"))
    gone = entries[1]
    found = problems_after("DELETE FROM audit_accesslog WHERE id = %s", [gone.pk])
    after = entries[2]
    name = f"access log entry {after.chain_position} (id {after.pk})"
    assert f"{name}: the chain jumps" in found
    assert f"{name}: its link to the entry before it is broken" in found


def test_an_access_log_entry_inserted_around_the_app_is_found(decisions):
    last = AccessLog.objects.order_by("chain_position").last()
    digest = integrity.sha256(last.chain_statement())
    found = problems_after(
        "INSERT INTO audit_accesslog (at, username, action, object_type, path, method, user_agent, detail, "
        "chain_position, chain_previous, signature, signing_key) "
        "VALUES (%s, 'ghost', 'login', '', '/', 'GET', '', '', %s, %s, '', '')",
        [last.at, last.chain_position + 1, digest],
    )
    assert f"access log entry {last.chain_position + 1}" in found
    assert "unsigned, after signed entries" in found


def test_the_decision_page_shows_the_same_verdict(client, chair, decisions):
    first, second = decisions
    client.force_login(chair)
    clean = client.get(second.get_absolute_url()).content.decode()
    assert "the digitally signed PDF hold" in clean
    as_owner("UPDATE meetings_decision SET plan = %s WHERE id = %s", ["Rewritten after signing", first.pk])
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Integrity failure." in page
    assert "its content does not match the SHA-256 stored at signing" in page
    # Its neighbour still holds: the chain links are over hashes the page of the second recomputes.
    assert "Integrity failure." not in client.get(second.get_absolute_url()).content.decode()


def test_the_tests_run_on_a_database_with_triggers():
    assert connection.vendor in {"sqlite", "postgresql"}


def test_the_decision_page_reads_a_signed_pdf_once_and_a_changed_one_afresh(client, chair, decisions, monkeypatch):
    from cases.reports import signing

    first, _ = decisions
    client.force_login(chair)
    reads = []
    validate = signing.pades_problems
    monkeypatch.setattr(signing, "pades_problems", lambda pdf, trusted=None: reads.append(1) or validate(pdf, trusted))
    for _ in range(3):
        assert "the digitally signed PDF hold" in client.get(first.get_absolute_url()).content.decode()
    assert len(reads) <= 1  # the same bytes under the same certificates: validated once (or earlier in the run)
    pdf = bytes(first.stored_summary.pdf)
    changed = pdf.replace(b"/Subject", b"/Subjekt", 1)
    digest = StoredSummary.digest(changed)
    as_owner(
        "UPDATE reports_storedsummary SET pdf = %s, sha256 = %s WHERE decision_id = %s", [changed, digest, first.pk]
    )
    page = html.unescape(client.get(first.get_absolute_url()).content.decode())
    assert "Integrity failure." in page
    assert "its stored PDF is not the one the decision's signature names" in page
    assert "its digital signature is not valid: the signed bytes were changed" in page
