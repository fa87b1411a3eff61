"""Writes of the account pages, each in one transaction with its access log entry.

An administrator's action and the entry that records it commit together or not at all: an account is
never unlocked, reset or logged out without the log saying who did it (and a log entry never claims an
action that was rolled back). REQUEST is the administrator's request: the entry names who and from where.
"""

from axes.utils import reset as axes_reset
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.audit import sessions
from cases.audit.log import record_access
from cases.audit.models import AccessAction


def end_sessions(request: HttpRequest, account) -> int:
    """End every session of ACCOUNT; return how many were still live."""
    with transaction.atomic():
        ended = sessions.end_sessions_of(account)
        record_access(request, AccessAction.SESSIONS_ENDED, detail=f"{ended} session(s) of {account.get_username()}")
    return ended


def unlock(request: HttpRequest, account) -> int:
    """Clear ACCOUNT's failed logins (django-axes), so it may log in again; return the records removed."""
    with transaction.atomic():
        removed = axes_reset(username=account.get_username())
        record_access(request, AccessAction.UNLOCKED, detail=f"{account.get_username()} ({removed} attempt record(s))")
    return removed


def reset_second_factor(request: HttpRequest, account) -> int:
    """Remove ACCOUNT's authenticator devices and end its sessions; return the devices removed."""
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=account).delete()
        sessions.end_sessions_of(account)
        record_access(request, AccessAction.OTP_RESET, detail=f"{account.get_username()} ({removed} device(s))")
    return removed


def confirm_second_factor(request: HttpRequest, device: TOTPDevice) -> None:
    """Confirm the user's new authenticator DEVICE (its first code was right) and record the enrolment."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_access(request, AccessAction.OTP_ENROLLED)
