"""Signing writes one DecidedOption row per option: the board's verdict against the engine's, countable in the
database, with the planned treatments to follow up; an amendment supersedes the rows of the version it amends."""

import pytest

from cases.meetings import services
from cases.meetings.models import DecidedOption, ImplementationStatus
from tests.meetings.factories import add_item, make_meeting, record, signed

pytestmark = pytest.mark.django_db


def test_signing_writes_one_row_per_option_with_the_board_outcome_and_the_engine_verdict(clinician, chair):
    decision = signed(add_item(make_meeting(chair)), clinician, chair)
    rows = {row.code: row for row in DecidedOption.objects.filter(decision=decision)}
    assert set(rows) == {o["code"] for o in decision.outcomes}
    for outcome in decision.outcomes:
        row = rows[outcome["code"]]
        assert (row.outcome, row.engine_verdict, row.current) == (outcome["outcome"], outcome["engine_verdict"], True)
        assert row.case_id == decision.agenda_item.case_id
        assert row.departure is False  # the factory agrees with the engine everywhere
        assert row.status == ("" if outcome["outcome"] == "reject" else ImplementationStatus.PLANNED)


def test_a_draft_writes_no_rows(clinician, chair):
    record(add_item(make_meeting(chair)), clinician)
    assert not DecidedOption.objects.exists()


def test_a_departure_keeps_the_board_reason(clinician, chair):
    item = add_item(make_meeting(chair))
    code = record(item, clinician).outcomes[0]["code"]
    verdict = record(item, clinician).outcomes[0]["engine_verdict"]
    outcome = "reject" if verdict == "recommended" else "modify"
    decision = signed(item, clinician, chair, choices={code: (outcome, "The patient declined.")})
    row = DecidedOption.objects.get(decision=decision, code=code)
    assert row.departure is True
    assert row.board_reason == "The patient declined."


def test_an_amendment_counts_once_and_keeps_what_was_recorded_of_the_treatment(clinician, chair):
    original = signed(add_item(make_meeting(chair)), clinician, chair)
    planned = DecidedOption.objects.filter(decision=original, status=ImplementationStatus.PLANNED).first()
    assert planned is not None
    DecidedOption.objects.filter(pk=planned.pk).update(status=ImplementationStatus.DONE, happened_on="2026-11-02")
    draft = services.amend_decision(original, clinician, "Histology came back.")
    amendment = services.sign_decision(draft, chair, draft.lock_version)
    assert not DecidedOption.objects.filter(decision=original, current=True).exists()
    current = DecidedOption.objects.filter(current=True, case=original.agenda_item.case)
    assert set(current.values_list("decision", flat=True)) == {amendment.pk}
    carried = current.get(code=planned.code)
    assert (carried.status, str(carried.happened_on)) == (ImplementationStatus.DONE, "2026-11-02")


def test_signing_records_whether_the_work_up_was_complete(clinician, chair):
    decision = signed(add_item(make_meeting(chair)), clinician, chair)
    decision.agenda_item.refresh_from_db()
    assert decision.agenda_item.workup_complete is (not decision.engine_snapshot["missing_workup"])
