"""Nobody changes or deletes an access log entry: not the model, not a queryset, not raw SQL, not the admin.

Run on SQLite by default and on PostgreSQL with DATABASE_URL: the triggers differ per database.
"""

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.urls import NoReverseMatch, reverse

from cases.audit.log import append
from cases.audit.models import AccessAction, AccessLog, AccessLogError

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return append(AccessLog(action=AccessAction.LOGIN, username="clinician", path="/accounts/login/"))


def test_the_model_refuses_to_change_or_delete_an_entry(entry):
    entry.username = "someone else"
    with pytest.raises(AccessLogError):
        entry.save()
    with pytest.raises(AccessLogError):
        entry.delete()


def test_the_database_refuses_a_queryset_update(entry):
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(username="someone else")
    assert AccessLog.objects.get(pk=entry.pk).username == "clinician"


def test_the_database_refuses_a_queryset_delete(entry):
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_raw_sql(entry):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accesslog SET action = 'view' WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslog WHERE id = %s", [entry.pk])
    assert AccessLog.objects.get(pk=entry.pk).action == AccessAction.LOGIN


def test_new_entries_are_still_accepted(entry):
    append(AccessLog(action=AccessAction.LOGOUT, username="clinician"))
    assert AccessLog.objects.count() == 2


def test_an_account_in_the_log_cannot_be_deleted_only_deactivated(clinician):
    from django.db.models import ProtectedError

    append(AccessLog(action=AccessAction.LOGIN, user=clinician, username="clinician"))
    with pytest.raises(ProtectedError):
        clinician.delete()


def test_the_log_is_not_in_the_admin():
    assert not admin.site.is_registered(AccessLog)
    with pytest.raises(NoReverseMatch):
        reverse("admin:audit_accesslog_changelist")
