"""Login, the second factor, and the administrators' pages: the access log (and its CSV) and users' sessions.

The access log and the Users and sessions page are for administrators only (cases.access: VIEW_ACCESS_LOG,
MANAGE_ACCOUNTS); an administrator reaches them only after the second factor (cases.middleware).
"""

import base64
import csv
from datetime import UTC

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import views as auth_views
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.access import Action, Role, needs_second_factor, require
from cases.audit import services, sessions
from cases.audit.forms import AccessLogFilterForm, LoginForm, TokenForm
from cases.audit.log import record_access
from cases.audit.models import AccessAction, AccessLog
from cases.downloads import csv_cell

PAGE_SIZE = 50


# --- login -------------------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's login view; the page also says why the previous session ended (timeout, administrator)."""

    redirect_authenticated_user = True
    authentication_form = LoginForm

    def form_valid(self, form):
        # The login's writes (last_login, the access log entry of cases.audit.signals) commit together.
        with transaction.atomic():
            return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_ended"] = self.request.session.pop(sessions.ENDED, None)
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        return context


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer: the login page with the reason, and 429 (AXES_LOCKOUT_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = LoginForm(request, initial={"username": username})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        f"Too many failed logins: this account is locked on this computer for {minutes} minutes. "
        "Try again later, or ask an administrator to unlock it."
    )
    return render(request, "registration/login.html", {"form": form, "lockout": message}, status=429)


# --- second factor -----------------------------------------------------------------------------------------


def _next_url(request) -> str:
    """The page to go on to after the second factor: `next` if it is ours, else the dashboard."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("dashboard")


def _confirmed_devices(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True)


def _passed(request, device) -> HttpResponseRedirect:
    """Mark the session as verified by DEVICE under a new session key, and go on."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[sessions.SECOND_FACTOR] = True
    return HttpResponseRedirect(_next_url(request), status=303)


@require_http_methods(["GET", "POST"])
def second_factor(request):
    """Ask for the code of the user's authenticator app (or send them to set one up)."""
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    devices = list(_confirmed_devices(request.user))
    if not devices:
        return redirect(reverse("second_factor_setup") + (f"?{request.GET.urlencode()}" if request.GET else ""))
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            for device in devices:
                allowed, _ = device.verify_is_allowed()
                if allowed and device.verify_token(form.cleaned_data["token"]):
                    record_access(request, AccessAction.OTP_VERIFIED)
                    return _passed(request, device)
        record_access(request, AccessAction.OTP_FAILED)
        form.add_error(None, "That code is not right (or came too soon after a wrong one). Try the current code.")
        return render(request, "audit/second_factor.html", {"form": form, "next": _next_url(request)}, status=422)
    return render(request, "audit/second_factor.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def second_factor_setup(request):
    """Set up an authenticator app: show its secret as text, confirm it with a first code.

    Only without a confirmed device: replacing one is an administrator's reset, never a self-service
    step that a stolen password alone could take.
    """
    if _confirmed_devices(request.user).exists():
        messages.info(request, "You have set up a second factor already.")
        return redirect(reverse("second_factor") + (f"?{request.GET.urlencode()}" if request.GET else ""))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            services.confirm_second_factor(request, device)
            return _passed(request, device)
        record_access(request, AccessAction.OTP_FAILED, detail="while setting up")
        form.add_error(
            None,
            "That code is not right (or came too soon after a wrong one). "
            "Check the key in your app and type the current code.",
        )
    context = {
        "form": form,
        "next": _next_url(request),
        "secret": base64.b32encode(device.bin_key).decode(),
        "otpauth": device.config_url,
        "required": needs_second_factor(request.user),
    }
    return render(request, "audit/second_factor_setup.html", context, status=422 if form.errors else 200)


# --- the access log ----------------------------------------------------------------------------------------


@require_GET
def access_log(request):
    """The access log, newest first, filtered by user, event, record and days (UTC)."""
    require(request.user, Action.VIEW_ACCESS_LOG)
    form = AccessLogFilterForm(request.GET)
    entries = form.filter(AccessLog.objects.all())
    page = Paginator(entries, PAGE_SIZE).get_page(form.cleaned_data.get("page") if form.is_valid() else 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/access_log.html", context)


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


CSV_COLUMNS = [
    "at_utc",
    "username",
    "user_id",
    "event",
    "record_type",
    "record_id",
    "method",
    "path",
    "status",
    "ip_address",
    "user_agent",
    "detail",
]


def _csv_rows(entries):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for e in entries.iterator(chunk_size=2000):
        row = [
            e.at.astimezone(UTC).isoformat(timespec="seconds"),
            e.username,
            e.user_id,
            e.action,
            e.object_type,
            e.object_id,
            e.method,
            e.path,
            e.status_code,
            e.ip_address,
            e.user_agent,
            e.detail,
        ]
        yield writer.writerow([csv_cell(value) for value in row])


@require_GET
def access_log_export(request):
    """The filtered access log as CSV (UTC times); the export is itself recorded."""
    require(request.user, Action.VIEW_ACCESS_LOG)
    form = AccessLogFilterForm(request.GET)
    entries = form.filter(AccessLog.objects.all()).order_by("at", "pk")
    record_access(request, AccessAction.LOG_EXPORTED, detail=form.described())
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(_csv_rows(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    return response


# --- users and their sessions ------------------------------------------------------------------------------


@require_GET
def users(request):
    """Every account with its roles, live sessions, lockout and second factor; actions to end, unlock, reset."""
    require(request.user, Action.MANAGE_ACCOUNTS)
    User = get_user_model()
    accounts = list(
        User.objects.order_by("-is_active", "username").prefetch_related(Prefetch("groups", to_attr="role_groups"))
    )
    live = sessions.sessions_by_user()
    with_device = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    locked = set(
        AccessAttempt.objects.filter(
            attempt_time__gte=cutoff, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )
    labels = dict(Role.choices)
    rows = [
        {
            "account": account,
            "roles": [labels.get(group.name, group.name) for group in account.role_groups],
            "sessions": len(live.get(account.pk, [])),
            "locked": account.get_username() in locked,
            "second_factor": account.pk in with_device,
            "may_act": request.user.is_superuser or not account.is_superuser,
        }
        for account in accounts
    ]
    return render(request, "audit/users.html", {"rows": rows})


def _account(request, pk):
    """The account an administrator acts on; superusers only by superusers."""
    require(request.user, Action.MANAGE_ACCOUNTS)
    account = get_object_or_404(get_user_model(), pk=pk)
    if account.is_superuser and not request.user.is_superuser:
        raise PermissionDenied("Only a superuser may act on a superuser's account.")
    return account


def _back(request, account) -> HttpResponseRedirect:
    """Back to the list; an administrator who ended their own sessions is logged out here as well."""
    if account.pk == request.user.pk and not Session.objects.filter(session_key=request.session.session_key).exists():
        logout(request)
        return HttpResponseRedirect(reverse("login"), status=303)
    return HttpResponseRedirect(reverse("audit:users"), status=303)


@require_POST
def end_sessions(request, pk):
    account = _account(request, pk)
    ended = services.end_sessions(request, account)
    messages.success(request, f"Ended {ended} session(s) of {account.get_username()}.")
    return _back(request, account)


@require_POST
def unlock(request, pk):
    account = _account(request, pk)
    services.unlock(request, account)
    messages.success(request, f"{account.get_username()} may log in again.")
    return _back(request, account)


@require_POST
def reset_second_factor(request, pk):
    """Remove the account's authenticator devices and end its sessions: it sets up a new one at next login."""
    account = _account(request, pk)
    services.reset_second_factor(request, account)
    messages.success(request, f"The second factor of {account.get_username()} was reset; their sessions ended.")
    return _back(request, account)
