"""Tamper with the record as a database owner can: drop the protecting triggers, change rows, put them back.

What the database refuses is tested elsewhere (tests/security/test_replace_and_upsert.py and the immutability
tests); these helpers stand for the owner who goes around it, so that the tests can check what
`verify_records` and the decision page make of the result.
"""

import importlib

from django.db import connection

MIGRATIONS = {
    "meetings": importlib.import_module("cases.meetings.migrations.0005_keyed_signatures_and_chain"),
    "reports": importlib.import_module("cases.reports.migrations.0003_stored_summary_undeletable"),
    "audit": importlib.import_module("cases.audit.migrations.0005_access_log_chain"),
    "letters": importlib.import_module("cases.reports.migrations.0004_letters_letterhead_and_sent_status"),
}


def as_owner(sql: str, params: list | tuple = ()) -> None:
    """Run SQL with every protecting trigger dropped for the moment, as the tables' owner could."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            # Deferred foreign-key checks pending on a table stop DROP TRIGGER; run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for migration in MIGRATIONS.values():
            for statement in migration.BACKWARD[vendor]:
                cursor.execute(statement)
        cursor.execute(sql, params)
        for migration in MIGRATIONS.values():
            for statement in migration.FORWARD[vendor]:
                cursor.execute(statement)
        if vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
