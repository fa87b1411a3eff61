"""Database triggers that make signed decisions and their follow-up actions immutable.

The model refuses to save or delete a signed decision, but `QuerySet.update()`, raw SQL, the shell and
other programs go around the model. These triggers refuse any UPDATE or DELETE of a signed decision row,
and any INSERT, UPDATE or DELETE of a follow-up action that belongs to a signed decision, on SQLite and on
PostgreSQL. Both raise an integrity error (SQLite: RAISE(ABORT); PostgreSQL: SQLSTATE 23000), which
Django reports as django.db.IntegrityError. Signing itself is an UPDATE of a *draft* row, so it passes.

The SQL is written out here, not imported, because a migration must not change when application code
does. tests/meetings/conftest.py reuses FORWARD/BACKWARD to lift the guard around a test database flush.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE TRIGGER meetings_decision_signed_no_update
    BEFORE UPDATE ON meetings_decision FOR EACH ROW WHEN OLD.status = 'signed'
    BEGIN SELECT RAISE(ABORT, 'a signed decision cannot be changed'); END
    """,
    """
    CREATE TRIGGER meetings_decision_signed_no_delete
    BEFORE DELETE ON meetings_decision FOR EACH ROW WHEN OLD.status = 'signed'
    BEGIN SELECT RAISE(ABORT, 'a signed decision cannot be deleted'); END
    """,
    """
    CREATE TRIGGER meetings_action_signed_no_insert
    BEFORE INSERT ON meetings_followupaction FOR EACH ROW
    WHEN (SELECT status FROM meetings_decision WHERE id = NEW.decision_id) = 'signed'
    BEGIN SELECT RAISE(ABORT, 'the follow-up actions of a signed decision cannot change'); END
    """,
    """
    CREATE TRIGGER meetings_action_signed_no_update
    BEFORE UPDATE ON meetings_followupaction FOR EACH ROW
    WHEN (SELECT status FROM meetings_decision WHERE id = OLD.decision_id) = 'signed'
      OR (SELECT status FROM meetings_decision WHERE id = NEW.decision_id) = 'signed'
    BEGIN SELECT RAISE(ABORT, 'the follow-up actions of a signed decision cannot change'); END
    """,
    """
    CREATE TRIGGER meetings_action_signed_no_delete
    BEFORE DELETE ON meetings_followupaction FOR EACH ROW
    WHEN (SELECT status FROM meetings_decision WHERE id = OLD.decision_id) = 'signed'
    BEGIN SELECT RAISE(ABORT, 'the follow-up actions of a signed decision cannot change'); END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS meetings_decision_signed_no_update",
    "DROP TRIGGER IF EXISTS meetings_decision_signed_no_delete",
    "DROP TRIGGER IF EXISTS meetings_action_signed_no_insert",
    "DROP TRIGGER IF EXISTS meetings_action_signed_no_update",
    "DROP TRIGGER IF EXISTS meetings_action_signed_no_delete",
]

POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION meetings_refuse_signed_decision_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'a signed decision cannot be changed or deleted (decision id %)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER meetings_decision_signed_immutable
    BEFORE UPDATE OR DELETE ON meetings_decision FOR EACH ROW WHEN (OLD.status = 'signed')
    EXECUTE FUNCTION meetings_refuse_signed_decision_change()
    """,
    """
    CREATE FUNCTION meetings_refuse_signed_action_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (TG_OP <> 'INSERT' AND EXISTS (
                SELECT 1 FROM meetings_decision WHERE id = OLD.decision_id AND status = 'signed'))
           OR (TG_OP <> 'DELETE' AND EXISTS (
                SELECT 1 FROM meetings_decision WHERE id = NEW.decision_id AND status = 'signed')) THEN
            RAISE EXCEPTION 'the follow-up actions of a signed decision cannot change'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER meetings_action_signed_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON meetings_followupaction FOR EACH ROW
    EXECUTE FUNCTION meetings_refuse_signed_action_change()
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS meetings_action_signed_immutable ON meetings_followupaction",
    "DROP FUNCTION IF EXISTS meetings_refuse_signed_action_change()",
    "DROP TRIGGER IF EXISTS meetings_decision_signed_immutable ON meetings_decision",
    "DROP FUNCTION IF EXISTS meetings_refuse_signed_decision_change()",
]

FORWARD = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}
BACKWARD = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            # Refuse rather than silently run without the guard on a database we have no triggers for.
            raise RuntimeError(f"no immutability triggers for the {vendor} database backend")
        for sql in statements[vendor]:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_meetings_agenda_decisions")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
