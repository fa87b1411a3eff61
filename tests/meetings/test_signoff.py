"""Sign-off outside the lock: the PDF is rendered and signed before the transaction, then one short durable
transaction re-checks the draft and writes signature, chain link and PDF together. The record names people
as they were at signing.
"""

import pytest
from django.db import connection

from cases import integrity
from cases.meetings import services
from cases.meetings.models import Decision
from cases.reports.models import StoredSummary
from cases.reports.summary import render_signed_summary, store_signed_summary
from tests.meetings.factories import add_item, make_meeting, record, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(clinician, chair):
    return record(add_item(make_meeting(chair)), clinician, plan="Resect the primary and both liver metastases.")


def test_the_pdf_is_rendered_before_the_transaction_and_stored_inside_it(draft, chair, settings, monkeypatch):
    depth = {}
    baseline = len(connection.atomic_blocks)  # the test's own transaction

    def renderer(decision, content):
        depth["render"] = len(connection.atomic_blocks)
        return render_signed_summary(decision, content)

    def writer(decision, pdf):
        depth["write"] = len(connection.atomic_blocks)
        return store_signed_summary(decision, pdf)

    monkeypatch.setattr("tests.meetings.test_signoff.RENDERER", renderer, raising=False)
    monkeypatch.setattr("tests.meetings.test_signoff.WRITER", writer, raising=False)
    settings.SIGNED_RECORD_RENDERER = "tests.meetings.test_signoff.RENDERER"
    settings.SIGNED_RECORD_WRITER = "tests.meetings.test_signoff.WRITER"
    decision = services.sign_decision(draft, chair, draft.lock_version)
    assert depth["render"] == baseline
    assert depth["write"] > baseline
    assert decision.is_signed
    assert decision.stored_summary.sha256 == decision.pdf_sha256 == integrity.sha256(bytes(decision.stored_summary.pdf))


def test_a_draft_changed_while_its_pdf_was_rendered_is_not_signed(draft, clinician, chair, settings, monkeypatch):
    def renderer(decision, content):
        pdf = render_signed_summary(decision, content)
        record(draft.agenda_item, clinician, plan="Changed while the chair's PDF was being rendered.")
        return pdf

    monkeypatch.setattr("tests.meetings.test_signoff.RENDERER", renderer, raising=False)
    settings.SIGNED_RECORD_RENDERER = "tests.meetings.test_signoff.RENDERER"
    with pytest.raises(services.DecisionConflict):
        services.sign_decision(draft, chair, draft.lock_version)
    current = Decision.objects.get(pk=draft.pk)
    assert not current.is_signed
    assert current.plan == "Changed while the chair's PDF was being rendered."
    assert not StoredSummary.objects.exists()
    assert not Decision.objects.filter(chain_position__isnull=False).exists()


def test_a_decision_is_never_signed_without_its_pdf(draft, chair, settings, monkeypatch):
    def writer(decision, pdf):
        raise OSError("disk full")

    monkeypatch.setattr("tests.meetings.test_signoff.WRITER", writer, raising=False)
    settings.SIGNED_RECORD_WRITER = "tests.meetings.test_signoff.WRITER"
    with pytest.raises(OSError):
        services.sign_decision(draft, chair, draft.lock_version)
    current = Decision.objects.get(pk=draft.pk)
    assert not current.is_signed
    assert current.chain_position is None and current.signature == ""


def test_a_pdf_that_cannot_be_rendered_signs_nothing(draft, chair, settings, monkeypatch):
    def renderer(decision, content):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr("tests.meetings.test_signoff.RENDERER", renderer, raising=False)
    settings.SIGNED_RECORD_RENDERER = "tests.meetings.test_signoff.RENDERER"
    with pytest.raises(RuntimeError):
        services.sign_decision(draft, chair, draft.lock_version)
    assert not Decision.objects.get(pk=draft.pk).is_signed


def test_each_signature_is_the_next_link_of_one_chain(clinician, chair):
    meeting = make_meeting(chair)
    first = signed(add_item(meeting), clinician, chair)
    second = signed(add_item(meeting), clinician, chair)
    assert (first.chain_position, first.chain_previous) == (1, integrity.GENESIS)
    assert second.chain_position == 2
    assert second.chain_previous == integrity.sha256(services.chain_statement(first))
    assert second.signing_key == integrity.signing_identity().fingerprint
    assert integrity.signature_holds(services.chain_statement(second), second.signature, second.signing_key)


def test_the_record_keeps_names_and_roles_as_they_were_at_signing(client, draft, clinician, chair):
    decision = services.sign_decision(draft, chair, draft.lock_version)
    assert decision.people_at_signing == {
        "author": {"username": "clinician", "name": "Clinician Tester", "roles": ["Clinician"]},
        "signer": {"username": "chair", "name": "Chair Tester", "roles": ["Chair"]},
    }
    pdf = bytes(decision.stored_summary.pdf)
    content = services.canonical_content(decision)

    # An administrator fixes a typo in both names, and renames an account.
    chair.first_name, chair.last_name = "Helena", "Marsh"
    chair.save()
    clinician.username, clinician.first_name = "jlindqvist", "Jonas"
    clinician.save()

    decision = Decision.objects.get(pk=decision.pk)
    assert services.canonical_content(decision) == content
    assert services.verify(decision)
    assert bytes(decision.stored_summary.pdf) == pdf
    assert decision.signer_name == "Chair Tester (Chair)"
    assert decision.author_name == "Clinician Tester (Clinician)"
    client.force_login(chair)
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "by Chair Tester (Chair)" in page
    assert "by Clinician Tester (Clinician)" in page
    assert "Helena" not in page.split('data-testid="signature"')[1][:200]
    assert "Integrity failure" not in page
