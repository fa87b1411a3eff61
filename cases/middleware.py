"""Project-wide middleware: login by default, session lifetimes, the second factor, no caching, body size."""

from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from cases.access import needs_second_factor
from cases.audit import sessions


def _current_page(request) -> str:
    """The page the user is on: for htmx, the page that sent the fragment request (same host only)."""
    next_path = request.get_full_path()
    current = request.htmx.current_url if getattr(request, "htmx", False) else None
    if current:
        parts = urlsplit(current)
        # Only a same-host page is a safe place to return to.
        if parts.netloc in {"", request.get_host()}:
            next_path = parts.path + (f"?{parts.query}" if parts.query else "")
    return next_path


def _send_to(view_name: str, request) -> HttpResponse:
    """Redirect to VIEW_NAME's page, to come back to the current one afterwards (HX-Redirect for htmx)."""
    target = reverse(view_name) + "?" + urlencode({"next": _current_page(request)})
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, made safe for htmx, and recording the refusal.

    A fragment request whose session expired must not get the login page swapped into a panel:
    it gets an `HX-Redirect` to the login page instead, with `next` pointing at the page the user
    was on (not the fragment URL), so they land back where they were after logging in. The access
    log records the refused request (cases.audit.middleware).
    """

    def handle_no_permission(self, request, view_func):
        request.sinen_login_required = True
        if not getattr(request, "htmx", False):
            return super().handle_no_permission(request, view_func)
        login = redirect_to_login(
            _current_page(request), resolve_url(self.get_login_url(view_func)), self.get_redirect_field_name(view_func)
        )
        return HttpResponseClientRedirect(login["Location"], status=401)


class SessionTimeoutMiddleware:
    """End a session after 30 minutes without a request, or 12 hours after login, whichever comes first.

    The login page then says why. Both limits are checked here, on the server, because the session
    cookie's own expiry is renewed with every save (cases.audit.sessions).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = sessions.expiry_reason(request.session)
            if reason is not None:
                sessions.end(request, reason)
            else:
                sessions.touch(request.session)
        return self.get_response(request)


# The pages an unverified administrator may still open: to pass or set up the second factor, or leave.
SECOND_FACTOR_PAGES = {"second_factor", "second_factor_setup", "logout"}


class SecondFactorMiddleware:
    """Send a signed-in user who must pass the second factor, and has not, to do so before anything else.

    Administrators and superusers must (cases.access.needs_second_factor); anyone who has set up a
    second factor must use it. Without a confirmed device the setup page comes first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not (request.session.get(sessions.SECOND_FACTOR) or needs_second_factor(user)):
            return None
        if request.resolver_match.view_name in SECOND_FACTOR_PAGES:
            return None
        return _send_to("second_factor", request)


# The pages a user with a temporary password may open: to choose a new one (after the second factor), or leave.
NEW_PASSWORD_PAGES = {"password_change", "second_factor", "second_factor_setup", "logout"}


class NewPasswordMiddleware:
    """Send a user who logged in with a temporary password to choose their own before anything else.

    An administrator's reset gives a temporary password (cases.audit.accounts.reset_password); it must
    not become the account's password, known to the administrator. The session says so from the login
    (cases.audit.signals), so this costs no query. After SecondFactorMiddleware: the code comes first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or not request.session.get(sessions.TEMPORARY_LOGIN):
            return None
        if request.resolver_match.view_name in NEW_PASSWORD_PAGES:
            return None
        return _send_to("password_change", request)


class NoStoreMiddleware:
    """Forbid browsers and proxies to keep any answer of the app (patient data): Cache-Control: no-store.

    Static files never get here (WhiteNoise answers them first) and keep their long cache lifetimes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and getattr(match.func, "without_patient_data", False):
            return response  # the view sets its own caching (e.g. revalidation with an ETag)
        if "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True, private=True)
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than settings.MAX_REQUEST_BODY with 413, before anything reads it.

    No form of the app comes near the limit; a larger body is a mistake or an attack, and must not be
    spooled to disk or parsed. A body sent without a length (Transfer-Encoding: chunked) is refused with
    411 Length Required: Django reads a request body by its Content-Length only, so a chunked body reached
    the views as an empty one (a chunked search came back unfiltered). Browsers and htmx always send a
    length; a reverse proxy must too (nginx does unless proxy_request_buffering is off).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_TRANSFER_ENCODING" in request.META:
            return _plain_text(
                "The request's body has no length (Transfer-Encoding): send it with a Content-Length.", 411
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _plain_text("The request's Content-Length is not a number.", 400)
        limit = settings.MAX_UPLOAD_BODY if request.path_info in upload_paths() else settings.MAX_REQUEST_BODY
        if length > limit:
            return _plain_text(f"The request is too large: the app accepts at most {limit // 1024} KB.", 413)
        return self.get_response(request)


@cache
def upload_paths() -> frozenset[str]:
    """The paths of the pages that take a file upload (settings.UPLOAD_URL_NAMES): they get MAX_UPLOAD_BODY."""
    return frozenset(reverse(name) for name in settings.UPLOAD_URL_NAMES)


def _plain_text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
