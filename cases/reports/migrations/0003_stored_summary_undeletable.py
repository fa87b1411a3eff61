"""A stored PDF can neither change nor go: triggers refuse UPDATE, DELETE and, on SQLite, a REPLACE.

Migration 0002 refused UPDATEs only, and left DELETE to the model; a deleted PDF was then silently
rendered again from today's content at the next download. Now the database refuses to delete a stored
PDF on both engines, and on SQLite also refuses an INSERT whose id or decision already has a stored PDF
(`INSERT OR REPLACE` would otherwise delete the old row without firing a DELETE trigger on a connection
without recursive_triggers). PostgreSQL's upsert and MERGE fire the UPDATE and DELETE triggers.

Written out here, not imported: a migration must not change when application code does.
tests/meetings/triggers.py reuses FORWARD/BACKWARD around a test database flush.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE TRIGGER reports_storedsummary_no_update BEFORE UPDATE ON reports_storedsummary FOR EACH ROW
    BEGIN SELECT RAISE(ABORT, 'a stored summary cannot be changed'); END
    """,
    """
    CREATE TRIGGER reports_storedsummary_no_delete BEFORE DELETE ON reports_storedsummary FOR EACH ROW
    BEGIN SELECT RAISE(ABORT, 'a stored summary cannot be deleted'); END
    """,
    """
    CREATE TRIGGER reports_storedsummary_no_replace BEFORE INSERT ON reports_storedsummary FOR EACH ROW
    WHEN EXISTS (SELECT 1 FROM reports_storedsummary WHERE id = NEW.id OR decision_id = NEW.decision_id)
    BEGIN SELECT RAISE(ABORT, 'a stored summary cannot be replaced'); END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS reports_storedsummary_no_update",
    "DROP TRIGGER IF EXISTS reports_storedsummary_no_delete",
    "DROP TRIGGER IF EXISTS reports_storedsummary_no_replace",
]
POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION reports_refuse_summary_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'a stored summary cannot be changed or deleted (id %)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER reports_storedsummary_immutable BEFORE UPDATE OR DELETE ON reports_storedsummary
    FOR EACH ROW EXECUTE FUNCTION reports_refuse_summary_change()
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS reports_storedsummary_immutable ON reports_storedsummary",
    "DROP TRIGGER IF EXISTS reports_storedsummary_no_update ON reports_storedsummary",
    "DROP FUNCTION IF EXISTS reports_refuse_summary_change()",
]

FORWARD = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}
BACKWARD = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}
# Migrating back: 0002's trigger, refusing UPDATEs only.
PREVIOUS = {
    "sqlite": SQLITE_FORWARD[:1],
    "postgresql": [
        POSTGRESQL_FORWARD[0],
        """
        CREATE TRIGGER reports_storedsummary_no_update BEFORE UPDATE ON reports_storedsummary
        FOR EACH ROW EXECUTE FUNCTION reports_refuse_summary_change()
        """,
    ],
}


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"stored summaries need immutability triggers for {vendor}")
        for sql in statements[vendor]:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_stored_summary_immutable"), ("meetings", "0005_keyed_signatures_and_chain")]

    # Drop 0002's trigger (and function), then create the complete set.
    operations = [
        migrations.RunPython(_run(BACKWARD), _run(PREVIOUS)),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
