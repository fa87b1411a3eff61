"""An export and a re-import into a fresh database give identical records, signed decisions and their hashes
included (docs/backup-restore.md, "Export and re-import").

The export is the one the document gives: `dumpdata` in XML (JSON would cut times to milliseconds, and a
signed decision's hash covers its times to the microsecond), follow-up actions in a file of their own that
is loaded first (a signed decision refuses new follow-up actions, so they must be in before it). The fresh
database is a new SQLite file, or a new PostgreSQL database beside the test database, migrated from zero.
"""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cases.audit.models import AccessAction, AccessLog
from cases.meetings import services
from cases.meetings.models import Decision, DecisionStatus
from tests.meetings.factories import add_item, make_meeting, record, signed
from tests.patients.factories import STAGE_IV, make_case
from tests.security.otp import confirmed_device

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# Exactly the options of docs/backup-restore.md.
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes", "pathways.contentstamp", "meetings.followupaction"]
ACTIONS = ["meetings.followupaction", "--natural-foreign", "--format", "xml", "--indent", "1"]
RECORDS = ["--natural-foreign", "--natural-primary", "--format", "xml", "--indent", "1"]
RECORDS += [arg for model in EXCLUDE for arg in ("--exclude", model)]

RESTORE = """
from django.core.management import call_command
from cases.meetings.models import Decision
from cases.meetings.services import verify
from cases.reports.models import StoredSummary

call_command("migrate", verbosity=0)
call_command("loaddata", "{dir}/actions.xml", "{dir}/records.xml", verbosity=0)
call_command("dumpdata", *{actions!r}, output="{dir}/actions-again.xml")
call_command("dumpdata", *{records!r}, output="{dir}/records-again.xml")
signed = Decision.objects.filter(status="signed")
print("signed", signed.count(), "verified", sum(verify(d) for d in signed))
print("summaries", StoredSummary.objects.count(), "matching", sum(s.matches() for s in StoredSummary.objects.all()))
from cases.reports.integrity import verify_records
report = verify_records()
print("verify_records", "holds" if report.holds else [str(f) for f in report.findings], report.log_entries)
"""


@pytest.fixture
def records(client, chair, clinician, viewer, administrator):
    """A board's worth of records: findings with history, signed, amended and draft decisions, the log."""
    meeting = make_meeting(chair)
    first = signed(add_item(meeting, make_case(**STAGE_IV)), clinician, chair)
    amended = services.amend_decision(first, clinician, "New histology: Ki-67 12%.")
    services.sign_decision(amended, chair, amended.lock_version)
    signed(add_item(meeting), clinician, chair, actions=[])
    record(add_item(meeting), clinician)
    client.force_login(viewer)
    client.get(reverse("meetings:case_detail", args=[first.agenda_item.case.public_id]))
    confirmed_device(administrator)
    assert Decision.objects.filter(status=DecisionStatus.SIGNED).count() == 3
    assert AccessLog.objects.filter(action=AccessAction.VIEW).exists()


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of an empty database of the same kind as the test database; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path}/restored.sqlite3"
        return
    import psycopg

    settings = connection.settings_dict
    name = f"{settings['NAME']}_restore"
    admin = {"dbname": "postgres", "user": settings["USER"], "password": settings["PASSWORD"]}
    admin |= {"host": settings["HOST"] or "127.0.0.1", "port": settings["PORT"] or 5432}
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    user, password, host = settings["USER"], settings["PASSWORD"], admin["host"]
    yield f"postgres://{user}:{password}@{host}:{admin['port']}/{name}"
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_export_reimported_into_a_fresh_database_is_identical(records, fresh_database, tmp_path):
    call_command("dumpdata", *ACTIONS, output=str(tmp_path / "actions.xml"), stdout=StringIO())
    call_command("dumpdata", *RECORDS, output=str(tmp_path / "records.xml"), stdout=StringIO())
    script = RESTORE.format(dir=tmp_path, actions=ACTIONS, records=RECORDS)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env |= {"DATABASE_URL": fresh_database, "DEBUG": "false"}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "signed 3 verified 3" in done.stdout
    assert "summaries 3 matching 3" in done.stdout
    # Signatures, both chains and the signed PDFs hold in the new database too (ids of accounts may differ).
    assert f"verify_records holds {AccessLog.objects.count()}" in done.stdout
    for name in ("actions", "records"):
        original = (tmp_path / f"{name}.xml").read_bytes()
        assert original == (tmp_path / f"{name}-again.xml").read_bytes(), f"{name} differ after the round trip"
    text = (tmp_path / "records.xml").read_text()
    for model in ("meetings.decision", "meetings.historicaldecision", "patients.historicalcase", "audit.accesslog"):
        assert f'model="{model}"' in text
    assert 'model="otp_totp.totpdevice"' in text  # second factors come back too: protect the backup file
