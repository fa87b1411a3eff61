"""The idle follower's poll, answered before the middleware stack: 304 from one SQL statement (issue 18).

A member who follows the chair asks `meetings:follow` every second with the ETag of the room it shows. Through
the whole stack that costs four ORM queries (session, user, roles, room) and twenty middleware: about 7 ms of
server time per poll in bench/follow.py, 30 followers make 200 ms of every second. This middleware answers the
one case that dominates, a revalidation of an unchanged room by an ordinary member, with one SQL statement
written out (compiling the ORM's queries cost more than running them): the session row, and beside it the user
the session belonged to at its last poll here (their password hash, flags and roles) and the room. The session
row then says whose it is; a guess that was wrong or missing (a session's first poll on this app server) costs
the same statement again with the right user. On PostgreSQL the statement also stands for the connection's
health check, which is one more round trip otherwise. Everything else goes down the stack unchanged, so the
stack stays the only place that decides anything beyond "not modified":

- no session, an expired or invalid one, a user changed, deactivated or without a role that sees patient data
  (the stack answers: the login page, 403 and the access log's refusal);
- a session that must be written (the activity stamp, every `TOUCH_EVERY` seconds: following a meeting is
  activity, and the stack records it) or has run out of time (the stack ends it);
- a user who must pass the second factor or choose a password first, administrators and superusers;
- a closed or unknown meeting, a changed room (the view's answer: the new case, `room-changed`).

Sessions stay revocable on every app server: the session row is read from the database at every poll, as the
stack reads it, so ending a user's sessions (or logging out) stops their polls at once. No answer of this path
holds patient data or reaches the access log: a 304 has no body, and the stack records no 304 either.
"""

import re
import time
import uuid
from functools import cache, lru_cache
from importlib import import_module
from types import MappingProxyType

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db as database_sessions
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.urls import get_script_prefix, reverse
from django.urls.converters import UUIDConverter
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.http import quote_etag

from cases.access import PERMISSIONS, Action, Role
from cases.audit import sessions
from cases.meetings.models import AgendaItem, Meeting, MeetingStatus

FOLLOW_VIEW = "meetings:follow"


def room_etag(version: int, current_item: uuid.UUID | None, status: str) -> str:
    """Return the room's ETag (unquoted): its version, the chair's current item and the meeting's status.

    The status too: closing a meeting must reach its followers (286 stops their polling), and closing changes
    neither the version nor the item.
    """
    return f"{version}.{current_item}.{status}"


@lru_cache(maxsize=4)
def _database_sessions(engine: str) -> bool:
    """Whether ENGINE keeps sessions in the database's session table (Django's, or cases.audit.session_store's)."""
    return issubclass(import_module(engine).SessionStore, database_sessions.SessionStore)


@cache
def _statement() -> str:
    """The poll's one statement, with the tables' names from the models (built once per process).

    The session row, and beside it the user the session is guessed to belong to (their password hash, flags and
    roles) and the room. Only names from the models and placeholders go into the text; every value is a
    parameter.
    """
    q = connection.ops.quote_name
    session_model = import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()
    user_model = get_user_model()
    membership = user_model.groups.through
    group_model = user_model.groups.field.related_model
    viewers = ", ".join(["%s"] * len(PERMISSIONS[Action.VIEW_PATIENT_DATA]))
    has_role = (
        f"EXISTS (SELECT 1 FROM {q(membership._meta.db_table)} ug "  # noqa: S608 (names, no values)
        f"INNER JOIN {q(group_model._meta.db_table)} g ON g.{q('id')} = ug.{q('group_id')} "
        f"WHERE ug.{q('user_id')} = u.{q(user_model._meta.pk.column)} AND g.{q('name')} IN ({{}}))"
    )
    return (
        f"SELECT s.{q('session_data')}, u.{q(user_model._meta.pk.column)}, u.{q('password')}, "  # noqa: S608
        f"u.{q('is_active')}, u.{q('is_superuser')}, {has_role.format(viewers)}, {has_role.format('%s')}, "
        f"m.{q('room_version')}, i.{q('public_id')}, m.{q('status')} "
        f"FROM {q(session_model._meta.db_table)} s "
        f"LEFT JOIN {q(user_model._meta.db_table)} u ON u.{q(user_model._meta.pk.column)} = %s "
        f"LEFT JOIN {q(Meeting._meta.db_table)} m ON m.{q('public_id')} = %s "
        f"LEFT JOIN {q(AgendaItem._meta.db_table)} i ON i.{q('id')} = m.{q('current_item_id')} "
        f"WHERE s.{q('session_key')} = %s AND s.{q('expire_date')} > %s"
    )


@cache
def _follow_path() -> re.Pattern:
    """Return the pattern of the poll's path (as `request.path_info` has it), built once from the URLconf.

    Matching it costs a hundredth of `resolve()`, which tries the URLconf's patterns one by one (a fifth of the
    early answer's time); the meeting's id must be what the URL's uuid converter accepts, nothing looser.
    """
    probe = str(uuid.UUID(int=0))
    path = reverse(FOLLOW_VIEW, kwargs={"public_id": probe})
    path = "/" + path.removeprefix(get_script_prefix())
    head, tail = path.split(probe)
    return re.compile(f"{re.escape(head)}({UUIDConverter.regex}){re.escape(tail)}")


def _is_follow_poll(request) -> uuid.UUID | None:
    """Return the meeting's public id if REQUEST is a follower's revalidating poll, else None."""
    if request.method != "GET" or "HTTP_IF_NONE_MATCH" not in request.META:
        return None
    match = _follow_path().fullmatch(request.path_info)
    return uuid.UUID(match[1]) if match else None


# Whose each session was at its last early answer in this process: the guess that lets one statement read the
# session row and its user together. The statement reads the session row too, and the guess is checked against
# what that row says, so a wrong or stale guess costs a second statement, never a wrong answer. Only a hint:
# emptied whenever it outgrows GUESSES.
_user_of_session: dict[str, object] = {}
GUESSES = 10_000


def remember_follower(session_key: str | None, user_id) -> None:
    """Remember that SESSION_KEY is USER_ID's, so that the session's next poll here takes one statement."""
    if session_key:
        if len(_user_of_session) >= GUESSES:
            _user_of_session.clear()
        _user_of_session[session_key] = user_id


@lru_cache(maxsize=1024)
def _decoded(session_data: str, secret_key: str) -> MappingProxyType:
    """Return SESSION_DATA decoded (read-only), remembered: a follower's session reads the same for minutes.

    The data is the key, and the secret key beside it: the same text always decodes the same way.
    """
    return MappingProxyType(import_module(settings.SESSION_ENGINE).SessionStore().decode(session_data))


@lru_cache(maxsize=1024)
def _session_auth_hash(password: str) -> str:
    """Return the session's expected auth hash for a user with PASSWORD (hashed), as the stack computes it."""
    return get_user_model()(password=password).get_session_auth_hash()


def _statement_stands_for_the_health_check() -> None:
    """Let the poll's own statement be the health check of a reused connection.

    With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before a request's first statement on a reused connection:
    on PostgreSQL one more round trip, as long as the poll's own. The poll's statement tells the same thing: on a
    dead connection it fails, and the caller then closes the connection and lets the stack answer on a new one.
    """
    if connection.connection is not None and connection.health_check_enabled:
        connection.health_check_done = True


def _cursor():
    """Return a cursor for the poll's statement: on PostgreSQL one that binds its values on the server.

    Django's cursors put the values into the text on the client, so PostgreSQL parses and plans the statement
    at every poll, which costs it more than running it. Bound on the server, psycopg prepares a statement
    executed a few times on a connection (its `prepare_threshold`, 5 by default, OPTIONS can change it) and the
    later polls only execute it.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = psycopg.Cursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def idle_room_etag(request, meeting_id: uuid.UUID) -> str | None:
    """Return the room's ETag if REQUEST's session is one the stack would let through unchanged, else None."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    if not _database_sessions(settings.SESSION_ENGINE):
        return None  # the statement reads the database's session table
    user_pk = get_user_model()._meta.pk
    meeting_key = Meeting._meta.get_field("public_id").get_db_prep_value(meeting_id, connection)
    viewers = sorted(role.value for role in PERMISSIONS[Action.VIEW_PATIENT_DATA])
    expires_after = connection.ops.adapt_datetimefield_value(timezone.now())
    now = time.time()
    _statement_stands_for_the_health_check()
    try:
        with _cursor() as cursor:

            def read(user_id) -> tuple | None:
                params = [*viewers, Role.ADMINISTRATOR.value, user_id, meeting_key, session_key, expires_after]
                cursor.execute(_statement(), params)
                return cursor.fetchone()

            row = read(_user_of_session.get(session_key))
            if row is None:
                return None  # no such session, or it has expired: the stack decides
            session = _decoded(row[0], settings.SECRET_KEY)
            if not _passes_unchanged(session, now):
                return None
            try:
                user_id = user_pk.to_python(session[SESSION_KEY])
            except (TypeError, ValueError, ValidationError):
                return None  # the stack decides
            if row[1] is None or user_pk.to_python(row[1]) != user_id:
                row = read(user_id)  # the first poll of this session here, or a guess gone stale
                if row is None or row[1] is None:
                    return None
                remember_follower(session_key, user_id)
    except DatabaseError:
        connection.close()  # a dead connection: the stack connects again and answers
        return None
    password, is_active, is_superuser, may_view, is_administrator, version, current, status = row[2:]
    if not is_active or is_superuser or is_administrator or not may_view:
        return None
    if not constant_time_compare(session.get(HASH_SESSION_KEY, ""), _session_auth_hash(password)):
        return None  # a changed password (or a rotated secret key: the stack checks the fallbacks)
    if version is None or status == MeetingStatus.CLOSED:
        return None
    current = AgendaItem._meta.get_field("public_id").to_python(current) if current is not None else None
    return room_etag(version, current, status)


def _passes_unchanged(session: dict, now: float) -> bool:
    """Return whether the stack would pass SESSION on without writing it or sending the user elsewhere."""
    if session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS or SESSION_KEY not in session:
        return False
    if sessions.LOGIN_AT not in session or sessions.expiry_reason(session, now) is not None:
        return False
    if now - session.get(sessions.SEEN_AT, 0) >= sessions.TOUCH_EVERY:
        return False  # the stack stamps the activity
    return not (session.get(sessions.SECOND_FACTOR) or session.get(sessions.TEMPORARY_LOGIN))


class FollowPollMiddleware:
    """Answer a follower's revalidation of an unchanged room with 304 before the rest of the stack."""

    def __init__(self, get_response):
        self.get_response = get_response
        # The headers the stack's own 304 gets on its way out from the middleware below this one.
        self.response_headers = (XFrameOptionsMiddleware(get_response), ContentSecurityPolicyMiddleware(get_response))

    def __call__(self, request):
        meeting_id = _is_follow_poll(request)
        if meeting_id is not None:
            etag = idle_room_etag(request, meeting_id)
            # Django's own comparison (weak, "*" included), as the view's condition decorator makes it.
            response = get_conditional_response(request, etag=quote_etag(etag)) if etag is not None else None
            if response is not None:
                # The headers of the stack's 304: the ETag, Vary: Cookie (the session was read), the length
                # (CommonMiddleware's), the frame and content policies.
                response["ETag"] = quote_etag(etag)
                response["Content-Length"] = "0"
                patch_vary_headers(response, ("Cookie",))
                for middleware in self.response_headers:
                    response = middleware.process_response(request, response)
                return response
        return self.get_response(request)
