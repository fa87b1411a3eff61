"""Lift the access log's append-only guard around a test database flush.

pytest-django empties the database after a `transaction=True` test (the browser tests). On SQLite the
flush is a DELETE per table, which the access log's triggers refuse; on PostgreSQL it is a TRUNCATE,
which row triggers do not see. tests/conftest.py calls this after such tests: it drops the triggers,
deletes the log's rows and creates the triggers again, exactly as migration audit 0005 defines them.
"""

import importlib

from django.db import connection, transaction

from cases.audit.models import AccessLog

append_only = importlib.import_module("cases.audit.migrations.0005_access_log_chain")


def delete_access_log_past_the_guard() -> None:
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in append_only.BACKWARD[vendor]:
            cursor.execute(sql)
        AccessLog.objects.all()._raw_delete(connection.alias)
        for sql in append_only.FORWARD[vendor]:
            cursor.execute(sql)
