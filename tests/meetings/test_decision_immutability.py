"""A signed decision never changes: the model refuses, the database refuses, and the hash would tell.

Run on SQLite by default and on PostgreSQL with DATABASE_URL: the triggers differ per database, the
behaviour must not.
"""

from datetime import UTC

import pytest
from django.db import IntegrityError, connection, transaction

from cases.meetings import services
from cases.meetings.models import Decision, FollowUpAction, SignedDecisionError
from tests.meetings.factories import add_item, make_meeting, record, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(clinician, chair):
    return signed(add_item(make_meeting(chair)), clinician, chair)


def stored(decision):
    return Decision.objects.values().get(pk=decision.pk)


def test_the_tests_run_on_a_database_with_triggers():
    assert connection.vendor in {"sqlite", "postgresql"}


def test_the_model_refuses_to_save_a_signed_decision(decision):
    before = stored(decision)
    decision.plan = "Something else"
    with pytest.raises(SignedDecisionError):
        decision.save()
    assert stored(decision) == before


def test_the_model_refuses_to_delete_a_signed_decision(decision):
    with pytest.raises(SignedDecisionError):
        decision.delete()
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_the_model_refuses_a_signed_decision_loaded_afresh(decision):
    fresh = Decision.objects.get(pk=decision.pk)
    fresh.rediscuss = True
    with pytest.raises(SignedDecisionError):
        fresh.save(update_fields=["rediscuss"])


@pytest.mark.parametrize(
    "change",
    [
        {"plan": "Rewritten after the fact"},
        {"status": "draft"},
        {"outcomes": []},
        {"signed_at": None, "signed_by": None, "content_sha256": "", "status": "draft"},
        {"engine_snapshot": {"stage": "I"}},
    ],
    ids=["plan", "status", "outcomes", "unsign", "snapshot"],
)
def test_the_database_refuses_an_update_of_a_signed_decision(decision, change):
    before = stored(decision)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(**change)
    assert stored(decision) == before


def test_the_database_refuses_raw_sql_on_a_signed_decision(decision):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE meetings_decision SET plan = %s WHERE id = %s", ["Sneaky", decision.pk])
    assert stored(decision)["plan"] == decision.plan


def test_the_database_refuses_to_delete_a_signed_decision(decision):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk)._raw_delete(connection.alias)
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_the_database_refuses_to_add_change_or_delete_follow_up_actions_of_a_signed_decision(decision):
    actions = FollowUpAction.objects.filter(decision=decision)
    before = list(actions.values())
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpAction.objects.bulk_create([FollowUpAction(decision=decision, position=9, what="Late", owner="X")])
    with pytest.raises(IntegrityError), transaction.atomic():
        actions.update(what="Changed")
    with pytest.raises(IntegrityError), transaction.atomic():
        actions._raw_delete(connection.alias)
    assert list(actions.values()) == before


def test_the_model_refuses_to_change_a_follow_up_action_of_a_signed_decision(decision):
    action = decision.actions.get()
    action.what = "Changed"
    with pytest.raises(SignedDecisionError):
        action.save()


def test_a_draft_may_still_change_in_the_database(clinician, chair):
    draft = record(add_item(make_meeting(chair)), clinician)
    Decision.objects.filter(pk=draft.pk).update(plan="Changed while a draft")
    FollowUpAction.objects.filter(decision=draft).update(what="Changed too")
    assert Decision.objects.get(pk=draft.pk).plan == "Changed while a draft"


def test_signing_stores_a_hash_of_the_canonical_content_that_any_change_breaks(decision):
    assert services.verify(decision)
    assert services.content_hash(decision) == decision.content_sha256
    decision.plan += " (edited in memory)"
    assert not services.verify(decision)


def test_the_canonical_content_is_sorted_compact_json_with_the_actions(decision):
    text = services.canonical_content(decision).decode()
    assert text.startswith('{"actions":[{"due_date":null,"owner":"Surgery","what":"Book surgery"}],"amendment_reason":')
    assert ", " not in text.split('"engine_snapshot"')[0]
    assert f'"signed_at":"{decision.signed_at.astimezone(UTC).isoformat()}"' in text


def test_a_decision_cannot_be_signed_twice(decision, chair):
    with pytest.raises(services.DecisionConflict):
        services.sign_decision(decision, chair, decision.lock_version)
