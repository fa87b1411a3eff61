"""The health check used by load balancers and monitoring: no login, no patient data, and the truth.

200 only when the app could do its work right now: the database answers, the database takes a write,
and the disks the app's data lives on have room. A database that answers reads but refuses writes
(a PostgreSQL standby after a failover, a read-only file, a full disk) is not healthy: every sign-off
would fail. The write is a row in the sessions table inside a transaction that is rolled back, so a
probe leaves nothing behind and uses no sequence. Free disk space cannot be seen through the database,
so the directories in settings.HEALTH_DISK_PATHS (the SQLite file's by default) are checked against
settings.HEALTH_MIN_FREE_DISK_MB. docs/security.md says what a load balancer should probe.
"""

import secrets
import shutil
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

OK = "ok"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unavailable"
    return OK


def check_write() -> str:
    """Insert a session row in a transaction and roll it back: the database takes writes, or it does not."""
    try:
        with transaction.atomic():
            Session.objects.create(
                session_key=f"healthz{secrets.token_hex(16)}",
                session_data="",
                expire_date=timezone.now() - timedelta(seconds=1),  # already expired, should it ever stay
            )
            transaction.set_rollback(True)
    except DatabaseError:
        return "read-only"
    return OK


def check_disk() -> str:
    """Free space of every directory in HEALTH_DISK_PATHS is at least HEALTH_MIN_FREE_DISK_MB."""
    minimum = settings.HEALTH_MIN_FREE_DISK_MB * 1024 * 1024
    for path in settings.HEALTH_DISK_PATHS:
        try:
            free = shutil.disk_usage(path).free
        except OSError:
            return "unavailable"
        if free < minimum:
            return "low"
    return OK


@require_safe
@never_cache
@login_not_required
def healthz(request):
    """Answer 200 when the database answers and takes a write and the disks have room, 503 otherwise.

    The body names what failed (never a path, a host or an error text): database, write and disk.
    """
    database = check_database()
    checks = {
        "database": database,
        "write": check_write() if database == OK else "unavailable",
        "disk": check_disk(),
    }
    healthy = all(value == OK for value in checks.values())
    return JsonResponse({"status": OK if healthy else "error", **checks}, status=200 if healthy else 503)


@require_safe
def ping(request):
    """A signed-in page with a trivial template: the floor the benches compare every page with (bench/scale.py).

    It goes through every middleware a real page does (session, login, second factor, access log, CSP)
    and reads nothing else.
    """
    return render(request, "ping.html")
