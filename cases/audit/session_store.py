"""Django's database sessions, with the session of every request read by a query compiled once (cases/compiled.py).

The same query as `django.contrib.sessions.backends.db.SessionStore._get_session_from_db`: the session by its key,
unless it has expired. SESSION_ENGINE names this module (sinen_mdt/settings.py).
"""

from datetime import UTC, datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from cases.compiled import CompiledQuery, Slot

UNEXPIRED = CompiledQuery(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    key=Slot(Session, "session_key", "compiled-query-example-key"),
    now=Slot(Session, "expire_date", datetime(2000, 1, 2, 3, 4, 5, tzinfo=UTC)),
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        session = UNEXPIRED.first(key=self.session_key, now=timezone.now())
        if session is None:
            self._session_key = None
        return session
