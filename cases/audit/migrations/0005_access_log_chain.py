"""The access log becomes a chain, and SQLite's REPLACE can no longer get around its triggers.

Every entry gets its position, the SHA-256 of the previous entry's statement and the installation key's
signature over its own (written by cases.audit.log.append). The entries already written are chained here
in the order they were written, without a signature (the key is not the migration's to use): the first
signed entry's statement chains them all, so a change to any of them is detectable from then on.

The triggers refuse UPDATE and DELETE as in 0003, and on SQLite also an INSERT whose id or position is
taken, which `INSERT OR REPLACE` / `REPLACE` would otherwise turn into a delete that fires no DELETE trigger
on a connection without recursive_triggers. SQLite rebuilds the table for the new fields and drops its
triggers with it, so they are created anew at the end.

The SQL and the statement are written out here, not imported: a migration must not change when
application code does. tests/security/guards.py reuses FORWARD/BACKWARD around a test database flush.
"""

import hashlib
import json
from datetime import UTC

import django.utils.timezone
from django.db import migrations, models

GENESIS = "0" * 64

SQLITE_FORWARD = [
    """
    CREATE TRIGGER audit_accesslog_no_update
    BEFORE UPDATE ON audit_accesslog FOR EACH ROW
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only: entries cannot be changed'); END
    """,
    """
    CREATE TRIGGER audit_accesslog_no_delete
    BEFORE DELETE ON audit_accesslog FOR EACH ROW
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only: entries cannot be deleted'); END
    """,
    """
    CREATE TRIGGER audit_accesslog_no_replace
    BEFORE INSERT ON audit_accesslog FOR EACH ROW
    WHEN EXISTS (SELECT 1 FROM audit_accesslog WHERE id = NEW.id OR chain_position = NEW.chain_position)
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only: entries cannot be replaced'); END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_accesslog_no_update",
    "DROP TRIGGER IF EXISTS audit_accesslog_no_delete",
    "DROP TRIGGER IF EXISTS audit_accesslog_no_replace",
]
POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION audit_refuse_access_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the access log is append-only: entries cannot be changed or deleted (id %)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_accesslog_append_only
    BEFORE UPDATE OR DELETE ON audit_accesslog FOR EACH ROW
    EXECUTE FUNCTION audit_refuse_access_log_change()
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_accesslog_append_only ON audit_accesslog",
    "DROP FUNCTION IF EXISTS audit_refuse_access_log_change()",
]

FORWARD = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}
BACKWARD = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}
# Migrating back: 0003's triggers (no REPLACE guard: it names a column that goes with this migration).
PREVIOUS = {"sqlite": SQLITE_FORWARD[:2], "postgresql": POSTGRESQL_FORWARD}


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"no append-only triggers for the {vendor} database backend")
        for sql in statements[vendor]:
            schema_editor.execute(sql, params=None)

    return run


def _statement(entry, previous: str) -> bytes:
    """The statement of an entry (cases.audit.models.AccessLog.chain_statement as of this migration)."""
    return json.dumps(
        {
            "chain": "access_log",
            "position": entry.chain_position,
            "previous": previous,
            "at": entry.at.astimezone(UTC).isoformat(),
            "username": entry.username,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": str(entry.object_id) if entry.object_id else None,
            "path": entry.path,
            "method": entry.method,
            "status_code": entry.status_code,
            "ip_address": entry.ip_address,
            "user_agent": entry.user_agent,
            "detail": entry.detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode()


def chain_existing_entries(apps, schema_editor):
    AccessLog = apps.get_model("audit", "AccessLog")
    entries = AccessLog.objects.using(schema_editor.connection.alias)
    previous = GENESIS
    for position, entry in enumerate(entries.order_by("pk").iterator(chunk_size=2000), 1):
        entry.chain_position = position
        entries.filter(pk=entry.pk).update(chain_position=position, chain_previous=previous)
        previous = hashlib.sha256(_statement(entry, previous)).hexdigest()


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_role_requests_and_password_resets")]

    operations = [
        migrations.RunPython(_run(BACKWARD), _run(PREVIOUS)),
        migrations.AlterField(
            model_name="accesslog",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name="accesslog",
            name="chain_position",
            field=models.PositiveBigIntegerField(editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="accesslog",
            name="chain_previous",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accesslog",
            name="signature",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="accesslog",
            name="signing_key",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="accesslog",
            name="chain_position",
            field=models.PositiveBigIntegerField(editable=False, unique=True),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
