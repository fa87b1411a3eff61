"""The queries compiled once (cases/compiled.py) give what their querysets give, on SQLite and PostgreSQL."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.utils import timezone

from cases.audit.backends import USER
from cases.audit.log import INSERT_ENTRY, LAST_ENTRY, append
from cases.audit.models import AccessAction, AccessLog
from cases.audit.session_store import UNEXPIRED, SessionStore
from cases.compiled import CompiledInsert, CompiledQuery, Slot
from cases.meetings.views import _AGENDA, agenda_items
from cases.patients.access import CASE
from cases.patients.models import Case, Patient
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db


def as_stored(obj) -> dict:
    """Every concrete field's value, as the instance holds it after a read."""
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def same_objects(compiled: list, from_queryset: list, *, annotations=(), related=()) -> None:
    assert [type(obj) for obj in compiled] == [type(obj) for obj in from_queryset]
    for mine, theirs in zip(compiled, from_queryset, strict=True):
        assert as_stored(mine) == as_stored(theirs)
        for name in annotations:
            assert getattr(mine, name) == getattr(theirs, name)
            assert type(getattr(mine, name)) is type(getattr(theirs, name))
        for name in related:
            assert as_stored(getattr(mine, name)) == as_stored(getattr(theirs, name))
        assert not mine._state.adding and mine._state.db == theirs._state.db


def test_the_case_with_its_patient_and_next_board_as_its_queryset_gives_it(chair):
    case = make_case(**STAGE_IV)
    meeting = make_meeting(chair, status="planned", scheduled_at=timezone.now() + timedelta(days=9))
    add_item(meeting, case)
    other = make_case()  # no meeting: next_board_at is None
    for public_id in (case.public_id, other.public_id, str(case.public_id)):
        found = CASE.all(public_id=public_id)
        same_objects(
            found,
            list(CASE.queryset(public_id=public_id)),
            annotations=["next_board_at"],
            related=["patient"],
        )
        assert len(found) == 1
    with_board = CASE.first(public_id=case.public_id)
    assert with_board.next_board_at == meeting.scheduled_at
    assert with_board.board_day() == (timezone.localdate(meeting.scheduled_at), True)
    assert CASE.first(public_id=other.public_id).next_board_at is None
    assert isinstance(with_board.patient, Patient) and with_board.patient.pk == case.patient_id


def test_a_missing_case_is_none_and_the_step_page_answers_404(client, coordinator):
    assert CASE.first(public_id=uuid.uuid4()) is None
    client.force_login(coordinator)
    assert client.get(f"/cases/{uuid.uuid4()}/pathway/presentation/").status_code == 404
    assert client.get(f"/cases/{uuid.uuid4()}/").status_code == 404


def test_the_user_with_the_names_of_their_groups(make_user):
    user = make_user("two-roles", None)
    user.groups.add(Group.objects.get_or_create(name="clinician")[0], Group.objects.get_or_create(name="chair")[0])
    nobody = make_user("no-roles", None)
    for account in (user, nobody):
        same_objects(USER.all(pk=account.pk), list(USER.queryset(pk=account.pk)), annotations=["group_names"])
    assert sorted(USER.first(pk=user.pk).group_names.split("\n")) == ["chair", "clinician"]
    assert USER.first(pk=nobody.pk).group_names == ""
    assert USER.first(pk=nobody.pk + 1000) is None


def test_a_role_taken_away_counts_from_the_next_request(client, make_user):
    user = make_user("chair-for-a-day", None)
    user.groups.add(Group.objects.get_or_create(name="clinician")[0])
    client.force_login(user)
    assert client.get("/cases/").status_code == 200
    user.groups.clear()
    assert client.get("/cases/").status_code == 403


def test_the_session_until_it_expires(client, coordinator):
    client.force_login(coordinator)
    key = client.session.session_key
    now = timezone.now()
    same_objects(UNEXPIRED.all(key=key, now=now), list(UNEXPIRED.queryset(key=key, now=now)))
    assert UNEXPIRED.first(key=key, now=now).session_key == key
    expiry = Session.objects.get(session_key=key).expire_date
    assert UNEXPIRED.first(key=key, now=expiry) is None  # expire_date > now, as Django's own store asks
    assert UNEXPIRED.first(key=key, now=expiry - timedelta(seconds=1)) is not None
    assert UNEXPIRED.first(key="no-such-session", now=now) is None
    store = SessionStore(key)
    assert store.load()["_auth_user_id"] == str(coordinator.pk)
    Session.objects.filter(session_key=key).update(expire_date=now - timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    assert client.get("/cases/").status_code == 302  # back to the login page


def test_the_access_logs_last_entry(coordinator):
    assert LAST_ENTRY.first() == AccessLog.objects.order_by("-chain_position").first()
    for path in ("/one/", "/two/"):
        append(AccessLog(user=coordinator, username=coordinator.username, action=AccessAction.VIEW, path=path))
        same_objects(LAST_ENTRY.all(), list(LAST_ENTRY.queryset()))
        assert LAST_ENTRY.first().path == path


def test_each_argument_goes_where_the_queryset_puts_it():
    """The compiled SQL and parameters are those Django compiles for the same values."""
    public_id = uuid.uuid4()
    connection = connections["default"]
    plan = CASE.plan(connection)
    params = list(plan.params)
    params[plan.positions["public_id"]] = CASE.slots["public_id"].prepare(public_id, connection)
    sql, expected = CASE.queryset(public_id=public_id).query.get_compiler(connection=connection).as_sql()
    assert (plan.sql, params) == (sql, list(expected))


def test_an_argument_that_cannot_be_found_once_is_refused():
    twice = CompiledQuery(
        lambda number: Patient.objects.filter(hospital_number=number, family_name=number),
        number=Slot(Patient, "hospital_number", "EXAMPLE"),
    )
    with pytest.raises(ImproperlyConfigured, match="appears 2 times"):
        twice.first(number="X")
    missing = CompiledQuery(
        lambda number: Patient.objects.filter(hospital_number="fixed"),
        number=Slot(Patient, "hospital_number", "EXAMPLE"),
    )
    with pytest.raises(ImproperlyConfigured, match="appears 0 times"):
        missing.first(number="X")


def test_only_model_instances_without_prefetching():
    for build in (
        lambda: Case.objects.values("pk"),
        lambda: Case.objects.prefetch_related("agenda_items"),
    ):
        with pytest.raises(ImproperlyConfigured):
            CompiledQuery(build).all()


def test_the_arguments_are_those_declared():
    with pytest.raises(TypeError):
        CASE.all(pk=1)


def test_each_connection_compiles_its_own():
    """A thread has its own connection (the development server's threads): it gets a plan of its own."""
    plans = []
    thread = threading.Thread(target=lambda: (plans.append(CASE.plan(connections["default"])), connections.close_all()))
    thread.start()
    thread.join()
    here = connections["default"]
    assert plans and plans[0] is not CASE.plan(here)
    assert CASE.plan(here) is CASE.plan(here)


def stored_row(entry: AccessLog) -> dict:
    """The row as the database holds it, without its id."""
    table = AccessLog._meta.db_table
    columns = [field.column for field in AccessLog._meta.concrete_fields if not field.primary_key]
    with connections["default"].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
        return dict(zip(columns, cursor.fetchone(), strict=True))


def test_the_compiled_insert_stores_what_save_stores(coordinator):
    def entry(position: int) -> AccessLog:
        return AccessLog(
            user=coordinator,
            username="coordinator",
            action=AccessAction.VIEW,
            object_type="patients.case",
            object_id=uuid.UUID(int=7),
            path="/cases/x/",
            method="GET",
            status_code=200,
            ip_address="2001:db8::1",
            user_agent="Test — ü",
            detail="why",
            chain_position=10_000 + position,
            chain_previous="a" * 64,
            signature="sig",
            signing_key="key",
        )

    saved, inserted = entry(1), entry(2)
    saved.at = inserted.at = timezone.now()
    saved.save()
    INSERT_ENTRY.insert(inserted)
    assert inserted.pk is not None and inserted.pk != saved.pk
    assert not inserted._state.adding and inserted._state.db == "default"
    mine, theirs = stored_row(inserted), stored_row(saved)
    assert mine.pop("chain_position") == 10_002 and theirs.pop("chain_position") == 10_001
    assert mine == theirs
    assert AccessLog.objects.get(pk=inserted.pk).chain_payload() == inserted.chain_payload()


def test_the_compiled_insert_takes_only_new_rows_of_models_nothing_listens_to(coordinator):
    with pytest.raises(ValueError, match="new"):
        INSERT_ENTRY.insert(AccessLog.objects.order_by("pk").first() or AccessLog(pk=1))
    with pytest.raises(ValueError, match="new"):
        INSERT_ENTRY.insert(Patient())
    historied = CompiledInsert(Patient)  # simple_history listens to its saves
    with pytest.raises(ImproperlyConfigured, match="signals"):
        historied.insert(Patient(hospital_number="X1", family_name="A", given_name="B", date_of_birth="1960-01-01"))


def test_the_agenda_with_its_latest_decisions_as_its_queryset_gives_it(chair, clinician):
    meeting = make_meeting(chair)
    first, second, third = (add_item(meeting, presenter=clinician) for _ in range(3))
    signed(first, clinician, chair)
    record(second, clinician)
    other = make_meeting(chair)
    add_item(other)
    decision = ["decision_status", "decision_version", "decision_public_id", "has_signed_decision"]
    for presenters, compiled in _AGENDA.items():
        related = ["case", "presenter"] if presenters else ["case"]
        same_objects(
            compiled.all(meeting_id=meeting.pk),
            list(compiled.queryset(meeting_id=meeting.pk)),
            annotations=decision,
            related=related,
        )
    items = agenda_items(meeting)
    assert [item.pk for item in items] == [first.pk, second.pk, third.pk]
    assert [item.has_signed_decision for item in items] == [True, False, False]
    assert items[1].decision_status == "draft" and items[2].decision_public_id is None
    assert all(item.meeting is meeting for item in items)  # as meeting.agenda_items gives them
    assert items[0].case.patient == first.case.patient and items[0].presenter == clinician
