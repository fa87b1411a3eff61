"""A database trigger that refuses any UPDATE of a stored summary, on SQLite and on PostgreSQL.

The model refuses changes too, but `QuerySet.update()` and raw SQL go around it. Deletion is refused by
the model; a row-level DELETE trigger is left out on purpose because SQLite's test-database flush
deletes rows one by one (PostgreSQL truncates), and the stored hash makes a replaced file detectable.
Written out here, not imported: a migration must not change when application code does.
"""

from django.db import migrations

SQLITE_FORWARD = """
CREATE TRIGGER reports_storedsummary_no_update BEFORE UPDATE ON reports_storedsummary FOR EACH ROW
BEGIN SELECT RAISE(ABORT, 'a stored summary cannot be changed'); END
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS reports_storedsummary_no_update"
POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION reports_refuse_summary_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'a stored summary cannot be changed (id %)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER reports_storedsummary_no_update BEFORE UPDATE ON reports_storedsummary
    FOR EACH ROW EXECUTE FUNCTION reports_refuse_summary_change()
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS reports_storedsummary_no_update ON reports_storedsummary",
    "DROP FUNCTION IF EXISTS reports_refuse_summary_change()",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)
    elif vendor == "postgresql":
        for statement in POSTGRESQL_FORWARD:
            schema_editor.execute(statement, params=None)  # the SQL contains %: no placeholders
    else:
        raise RuntimeError(f"stored summaries need an immutability trigger for {vendor}")


def backward(apps, schema_editor):
    statements = [SQLITE_BACKWARD] if schema_editor.connection.vendor == "sqlite" else POSTGRESQL_BACKWARD
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_stored_summary")]

    operations = [migrations.RunPython(forward, backward)]
