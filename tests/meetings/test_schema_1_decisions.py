"""Decisions signed before keyed signatures (schema 1) still verify after the migration, and renames no
longer break them: migration meetings 0004 keeps their names as they were, checked against their hash, and
puts them first in the chain, which the first keyed signature then signs.

Runs the real migrations backwards and forwards on the test database (SQLite and PostgreSQL).
"""

import hashlib
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases import integrity
from cases.meetings import services
from cases.meetings.models import Decision
from cases.reports.integrity import verify_records
from tests.conftest import StubHTML
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.meetings.triggers import delete_meeting_rows_past_the_guard

pytestmark = pytest.mark.django_db(transaction=True)

keyed = importlib.import_module("cases.meetings.migrations.0005_keyed_signatures_and_chain")
BEFORE = [("meetings", "0004_decision_without_findings_reason"), ("reports", "0002_stored_summary_immutable")]


@pytest.fixture
def legacy_decision(clinician, chair):
    """A decision signed the old way (schema 1: hash only, names read from the accounts), then migrated."""
    meeting = make_meeting(chair)
    item = add_item(meeting)
    draft = record(item, clinician, plan="Signed before the hospital's key existed.")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldDecision = old.get_model("meetings", "Decision")
    OldStoredSummary = old.get_model("reports", "StoredSummary")
    decision = OldDecision.objects.select_related("agenda_item__meeting", "agenda_item__case", "author").get(
        pk=draft.pk
    )
    decision.status, decision.signed_by_id, decision.signed_at = "signed", chair.pk, timezone.now()
    people = {"author": keyed._who(clinician), "signer": keyed._who(chair)}
    decision.content_sha256 = hashlib.sha256(keyed._schema_1_content(decision, people)).hexdigest()
    decision.save()
    pdf = StubHTML("the summary rendered at the time").write_pdf()
    OldStoredSummary.objects.create(
        decision_id=decision.pk, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), byte_size=len(pdf)
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    yield Decision.objects.get(pk=draft.pk)
    delete_meeting_rows_past_the_guard()


def test_a_schema_1_decision_keeps_its_names_and_verifies(legacy_decision, clinician, chair):
    assert legacy_decision.signed_schema == 1
    assert legacy_decision.people_at_signing == {
        "author": {"username": "clinician", "name": "Clinician Tester"},
        "signer": {"username": "chair", "name": "Chair Tester"},
    }
    assert (legacy_decision.chain_position, legacy_decision.chain_previous) == (1, integrity.GENESIS)
    assert services.verify(legacy_decision)
    chair.first_name = "Helena"
    chair.save()
    assert services.verify(Decision.objects.get(pk=legacy_decision.pk))
    report = verify_records()
    assert report.holds, [str(f) for f in report.findings]
    assert (report.decisions, report.before_keys) == (1, 1)


def test_the_first_keyed_signature_chains_the_schema_1_decisions(legacy_decision, clinician, chair, client):
    new = signed(add_item(legacy_decision.agenda_item.meeting), clinician, chair)
    assert new.chain_position == 2
    assert new.chain_previous == integrity.sha256(services.chain_statement(legacy_decision))
    assert verify_records().holds
    client.force_login(chair)
    page = client.get(legacy_decision.get_absolute_url()).content.decode()
    assert "signed before records were signed with the hospital's key" in page
    assert "Integrity failure" not in page
