"""The idle follower's poll, answered before the middleware stack: 304 from two queries (issue 18).

A member who follows the chair asks `meetings:follow` every second with the ETag of the room it shows. Through
the whole stack that costs four ORM queries (session, user, roles, room) and twenty middleware: about 7 ms of
server time per poll in bench/follow.py, 30 followers make 200 ms of every second. This middleware answers the
one case that dominates, a revalidation of an unchanged room by an ordinary member, with two SQL statements
written out (compiling the ORM's queries cost more than running them): the session row, then the user, their
roles and the room in one. Everything else goes down the stack unchanged, so the stack stays the only place
that decides anything beyond "not modified":

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
from functools import cache
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
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


@cache
def _statements() -> tuple[str, str]:
    """The two statements, with the tables' names from the models (built once per process).

    Only names from the models and placeholders go into the text; every value is a parameter.
    """
    q = connection.ops.quote_name
    session_model = import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()
    user_model = get_user_model()
    membership = user_model.groups.through
    group_model = user_model.groups.field.related_model
    viewers = ", ".join(["%s"] * len(PERMISSIONS[Action.VIEW_PATIENT_DATA]))
    session_sql = (
        f"SELECT {q('session_data')} FROM {q(session_model._meta.db_table)} "  # noqa: S608 (names, no values)
        f"WHERE {q('session_key')} = %s AND {q('expire_date')} > %s"
    )
    has_role = (
        f"EXISTS (SELECT 1 FROM {q(membership._meta.db_table)} ug "  # noqa: S608
        f"INNER JOIN {q(group_model._meta.db_table)} g ON g.{q('id')} = ug.{q('group_id')} "
        f"WHERE ug.{q('user_id')} = u.{q(user_model._meta.pk.column)} AND g.{q('name')} IN ({{}}))"
    )
    user_room_sql = (
        f"SELECT u.{q('password')}, u.{q('is_active')}, u.{q('is_superuser')}, "  # noqa: S608
        f"{has_role.format(viewers)}, {has_role.format('%s')}, "
        f"m.{q('room_version')}, i.{q('public_id')}, m.{q('status')} "
        f"FROM {q(user_model._meta.db_table)} u "
        f"LEFT JOIN {q(Meeting._meta.db_table)} m ON m.{q('public_id')} = %s "
        f"LEFT JOIN {q(AgendaItem._meta.db_table)} i ON i.{q('id')} = m.{q('current_item_id')} "
        f"WHERE u.{q(user_model._meta.pk.column)} = %s"
    )
    return session_sql, user_room_sql


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


def idle_room_etag(request, meeting_id: uuid.UUID) -> str | None:
    """Return the room's ETag if REQUEST's session is one the stack would let through unchanged, else None."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    engine = import_module(settings.SESSION_ENGINE)
    if not engine.__name__.endswith("backends.db"):
        return None  # the statements read the database's session table
    session_sql, user_room_sql = _statements()
    now = time.time()
    with connection.cursor() as cursor:
        cursor.execute(session_sql, [session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
        row = cursor.fetchone()
        if row is None:
            return None
        session = engine.SessionStore().decode(row[0])
        if not _passes_unchanged(session, now):
            return None
        user_model = get_user_model()
        try:
            user_id = user_model._meta.pk.to_python(session[SESSION_KEY])
        except (TypeError, ValueError, ValidationError):
            return None  # the stack decides
        meeting_key = Meeting._meta.get_field("public_id").get_db_prep_value(meeting_id, connection)
        viewers = sorted(role.value for role in PERMISSIONS[Action.VIEW_PATIENT_DATA])
        cursor.execute(user_room_sql, [*viewers, Role.ADMINISTRATOR.value, meeting_key, user_id])
        found = cursor.fetchone()
    if found is None:
        return None
    password, is_active, is_superuser, may_view, is_administrator, version, current, status = found
    if not is_active or is_superuser or is_administrator or not may_view:
        return None
    expected = user_model(password=password).get_session_auth_hash()
    if not constant_time_compare(session.get(HASH_SESSION_KEY, ""), expected):
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
