"""Database triggers that make the access log append-only: no UPDATE and no DELETE, by anyone.

The model refuses to save an existing row or delete one, but `QuerySet.update()`, `QuerySet.delete()`,
raw SQL, the shell and other programs go around the model. These triggers refuse every UPDATE and DELETE
of an access log row on SQLite and PostgreSQL; INSERT (and so `loaddata` into a fresh database) passes.
Both raise an integrity error (SQLite: RAISE(ABORT); PostgreSQL: SQLSTATE 23000), which Django reports as
django.db.IntegrityError. As in meetings 0002, the SQL is written out here, not imported, because a
migration must not change when application code does; tests reuse FORWARD/BACKWARD to lift the guard
around a test database flush (tests/security/guards.py).

On SQLite, a later migration that alters this table rebuilds it (copy, drop, rename) and so drops these
triggers: such a migration must run FORWARD again. tests/security/test_access_log_append_only.py fails
if the triggers are missing. On PostgreSQL, TRUNCATE is a privilege of the table's owner: run the app
as a role that does not own its tables to rule it out too (docs/security.md).
"""

from django.db import migrations

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
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_accesslog_no_update",
    "DROP TRIGGER IF EXISTS audit_accesslog_no_delete",
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


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            # Refuse rather than silently run without the guard on a database we have no triggers for.
            raise RuntimeError(f"no append-only triggers for the {vendor} database backend")
        for sql in statements[vendor]:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_access_log_detail_and_actions")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
