"""Remove signed decisions at the end of a transactional test, for the database flush that follows.

pytest-django empties the database after a `transaction=True` test. On SQLite the flush is a DELETE per
table, which the immutability triggers refuse for signed rows (on PostgreSQL it is a TRUNCATE, which
row triggers do not see). So such a test drops the triggers, deletes the meeting rows and creates the
triggers again, exactly as migrations meetings 0004 and reports 0003 define them.
"""

import importlib

from django.db import connection, transaction

from cases.meetings.models import AgendaItem, Attendance, DecidedOption, Decision, FollowUpAction, Meeting
from cases.reports.models import LetterSending, StoredLetter, StoredSummary

immutability = importlib.import_module("cases.meetings.migrations.0005_keyed_signatures_and_chain")
stored_pdfs = importlib.import_module("cases.reports.migrations.0003_stored_summary_undeletable")
stored_letters = importlib.import_module("cases.reports.migrations.0004_letters_letterhead_and_sent_status")


def delete_meeting_rows_past_the_guard() -> None:
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in immutability.BACKWARD[vendor] + stored_pdfs.BACKWARD[vendor] + stored_letters.BACKWARD[vendor]:
            cursor.execute(sql)
        # Django's foreign keys are checked at commit on both databases, so the order does not matter.
        for model in (
            LetterSending,
            StoredLetter,
            StoredSummary,
            FollowUpAction,
            DecidedOption,
            Decision,
            AgendaItem,
            Attendance,
            Meeting,
        ):
            model.objects.all()._raw_delete(connection.alias)
        for sql in immutability.FORWARD[vendor] + stored_pdfs.FORWARD[vendor] + stored_letters.FORWARD[vendor]:
            cursor.execute(sql)
