"""REPLACE, INSERT OR REPLACE, upserts and MERGE cannot change or remove a protected row, on either database.

SQLite's REPLACE deletes the row in the way and fires no DELETE trigger unless recursive_triggers is on;
the app's connections turn it on (settings.py), and BEFORE INSERT triggers refuse a row whose key is a
protected row's whatever the connection (migrations meetings 0004, reports 0003, audit 0005). PostgreSQL
has no REPLACE: its upsert (INSERT … ON CONFLICT DO UPDATE) and MERGE fire the UPDATE and DELETE triggers.
Protected: signed decisions, their follow-up actions, stored PDFs and the access log.
"""

import pytest
from django.db import IntegrityError, connection, transaction

from cases.audit.log import append
from cases.audit.models import AccessAction, AccessLog
from tests.meetings.factories import add_item, make_meeting, signed

pytestmark = pytest.mark.django_db

SQLITE = connection.vendor == "sqlite"
POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def rows(clinician, chair):
    """One protected row of each table: (table, id, column to change, new value)."""
    decision = signed(add_item(make_meeting(chair)), clinician, chair)
    entry = append(AccessLog(action=AccessAction.LOGIN, username="clinician", path="/accounts/login/"))
    return {
        "decision": ("meetings_decision", decision.pk, "plan", "Rewritten after signing"),
        "action": ("meetings_followupaction", decision.actions.get().pk, "what", "Nothing to do"),
        "stored PDF": ("reports_storedsummary", decision.stored_summary.pk, "sha256", "0" * 64),
        "access log": ("audit_accesslog", entry.pk, "username", "someone else"),
    }


def columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE 1 = 0")  # noqa: S608 (table names are ours)
        return [column[0] for column in cursor.description]


def row(table: str, pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def copy_with_change(verb: str, table: str, pk: int, column: str, value, suffix: str = "") -> tuple[str, list]:
    """SQL that writes row PK of TABLE again, with COLUMN set to VALUE: `VERB INTO table (...) SELECT ...`."""
    names = columns(table)
    selected = ", ".join("%s" if name == column else name for name in names)
    sql = f"{verb} INTO {table} ({', '.join(names)}) SELECT {selected} FROM {table} WHERE id = %s {suffix}"  # noqa: S608
    return sql, [value, pk]


def refused(sql: str, params: list) -> bool:
    """Run SQL; return whether the database refused it as an integrity error (a syntax error fails the test)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError:
        return True
    return False


KINDS = ["decision", "action", "stored PDF", "access log"]


@pytest.mark.skipif(not SQLITE, reason="REPLACE and INSERT OR REPLACE are SQLite's; PostgreSQL has neither")
@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
@pytest.mark.parametrize("kind", KINDS)
def test_sqlite_refuses_to_replace_a_protected_row(rows, kind, verb):
    table, pk, column, value = rows[kind]
    before = row(table, pk)
    assert refused(*copy_with_change(verb, table, pk, column, value))
    assert row(table, pk) == before


@pytest.mark.skipif(not SQLITE, reason="the pragma is SQLite's")
def test_the_apps_sqlite_connections_fire_triggers_for_a_replace():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers")
        assert cursor.fetchone()[0] == 1


@pytest.mark.skipif(not SQLITE, reason="the pragma is SQLite's")
@pytest.mark.parametrize("kind", KINDS)
def test_sqlite_refuses_a_replace_on_a_connection_without_recursive_triggers(rows, kind):
    """The sqlite3 shell, or any other program, does not turn recursive_triggers on: still refused."""
    table, pk, column, value = rows[kind]
    before = row(table, pk)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers = OFF")
    try:
        assert refused(*copy_with_change("INSERT OR REPLACE", table, pk, column, value))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA recursive_triggers = ON")
    assert row(table, pk) == before


@pytest.mark.parametrize("kind", KINDS)
def test_an_upsert_cannot_change_a_protected_row(rows, kind):
    table, pk, column, value = rows[kind]
    before = row(table, pk)
    sql, params = copy_with_change(
        "INSERT", table, pk, column, value, suffix=f"ON CONFLICT (id) DO UPDATE SET {column} = excluded.{column}"
    )
    assert refused(sql, params)
    assert row(table, pk) == before


@pytest.mark.parametrize("kind", KINDS)
def test_an_upsert_that_does_nothing_adds_nothing(rows, kind):
    """ON CONFLICT DO NOTHING is refused on SQLite (the insert guard) and harmless on PostgreSQL."""
    table, pk, column, value = rows[kind]
    before = row(table, pk)
    sql, params = copy_with_change("INSERT", table, pk, column, value, suffix="ON CONFLICT (id) DO NOTHING")
    refused(sql, params)
    assert row(table, pk) == before


@pytest.mark.skipif(not POSTGRESQL, reason="MERGE is PostgreSQL's (15 and later)")
@pytest.mark.parametrize("action", ["DELETE", "UPDATE"])
@pytest.mark.parametrize("kind", KINDS)
def test_postgresql_refuses_a_merge_that_deletes_or_changes_a_protected_row(rows, kind, action):
    table, pk, column, value = rows[kind]
    before = row(table, pk)
    when = "DELETE" if action == "DELETE" else f"UPDATE SET {column} = %s"
    params = [pk] if action == "DELETE" else [pk, value]
    sql = f"MERGE INTO {table} AS t USING (SELECT %s::bigint AS id) AS s ON t.id = s.id WHEN MATCHED THEN {when}"
    assert refused(sql, params)
    assert row(table, pk) == before


@pytest.mark.parametrize("kind", KINDS)
def test_djangos_upsert_cannot_change_a_protected_row(rows, kind):
    """bulk_create(update_conflicts=True) is the ORM's upsert, on both databases."""
    from django.apps import apps

    table, pk, column, value = rows[kind]
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    before = row(table, pk)
    instance = model._base_manager.get(pk=pk)
    setattr(instance, column, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        model._base_manager.bulk_create([instance], update_conflicts=True, unique_fields=["id"], update_fields=[column])
    assert row(table, pk) == before


@pytest.mark.parametrize("kind", KINDS)
def test_the_database_refuses_to_delete_or_update_a_protected_row(rows, kind):
    table, pk, column, value = rows[kind]
    before = row(table, pk)
    assert refused(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608
    assert refused(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608
    assert row(table, pk) == before
