"""Session lifetimes: when a session started and was last used, ending it, and finding a user's sessions.

Django renews a session's expiry whenever the session is saved, so the 12-hour limit and the 30 idle
minutes are checked here against times kept in the session itself (cases.middleware.SessionTimeoutMiddleware).
Sessions live in the database, so an administrator ends a user's sessions by deleting their rows: the
next request of that browser is anonymous.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.utils import timezone

LOGIN_AT = "sinen_login_at"  # seconds since the epoch, set at login
SEEN_AT = "sinen_seen_at"  # seconds since the epoch, the last request (to within TOUCH_EVERY)
ENDED = "sinen_session_ended"  # why the previous session ended, shown once on the login page
SECOND_FACTOR = "sinen_second_factor"  # the user has a confirmed TOTP device (set at login)
# The user logged in with a temporary password from an administrator and must choose their own.
TEMPORARY_LOGIN = "sinen_temporary_login"

# Writing the session on every request would cost a query each time; a minute's precision is plenty
# for a 30-minute timeout.
TOUCH_EVERY = 60


def start(session, *, has_second_factor: bool, must_choose_password: bool = False) -> None:
    """Stamp a freshly logged-in SESSION with its start time (and what the user must do first)."""
    now = time.time()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    session[SECOND_FACTOR] = has_second_factor
    if must_choose_password:
        session[TEMPORARY_LOGIN] = True


def expiry_reason(session, now: float | None = None) -> str | None:
    """Return why SESSION has expired (the absolute limit or inactivity), or None while it is valid."""
    now = time.time() if now is None else now
    login_at = session.get(LOGIN_AT)
    if login_at is None:
        return None
    if now - login_at > settings.SESSION_COOKIE_AGE:
        return f"it reached the limit of {settings.SESSION_COOKIE_AGE // 3600} hours"
    if now - session.get(SEEN_AT, login_at) > settings.SESSION_IDLE_TIMEOUT:
        return f"{settings.SESSION_IDLE_TIMEOUT // 60} minutes without activity"
    return None


def touch(session, now: float | None = None) -> None:
    """Record activity, at most once per TOUCH_EVERY seconds (sessions from before login stamps get one)."""
    now = time.time() if now is None else now
    if LOGIN_AT not in session:
        session[LOGIN_AT] = now
        session[SEEN_AT] = now
    elif now - session.get(SEEN_AT, 0) >= TOUCH_EVERY:
        session[SEEN_AT] = now


def end(request, reason: str) -> None:
    """Log the user out because REASON; the login page says so once."""
    request.sinen_logout_reason = f"session ended: {reason}"
    logout(request)
    request.session[ENDED] = f"Your session ended after {reason}. Please log in again."
    request.sinen_session_ended = True


def sessions_by_user(*, live_only: bool = True) -> dict[int, list[Session]]:
    """Return the unexpired sessions by user id; LIVE_ONLY leaves out those past their idle or 12-hour limit.

    Decodes every unexpired session: fine for a board's few hundred users; `manage.py clearsessions`
    (daily, docs/security.md) keeps the table small.
    """
    now = time.time()
    by_user: dict[int, list[Session]] = {}
    for session in Session.objects.filter(expire_date__gt=timezone.now()):
        data = session.get_decoded()
        user_id = data.get("_auth_user_id")
        if user_id is None or (live_only and expiry_reason(data, now) is not None):
            continue
        by_user.setdefault(int(user_id), []).append(session)
    return by_user


def end_sessions_of(user) -> int:
    """Delete every session of USER, idle ones included; return how many were still live."""
    live = len(sessions_by_user().get(user.pk, []))
    keys = [s.session_key for s in sessions_by_user(live_only=False).get(user.pk, [])]
    Session.objects.filter(session_key__in=keys).delete()
    return live
