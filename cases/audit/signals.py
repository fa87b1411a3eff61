"""Logins, logouts, failed logins and lockouts go into the access log as they happen.

Receivers of Django's auth signals and django-axes' lockout signal, connected in AuditConfig.ready().
They record; they decide nothing (the lockout itself is django-axes' job).
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from cases.audit import sessions
from cases.audit.log import record_access
from cases.audit.models import AccessAction, PasswordReset


@receiver(user_logged_in, dispatch_uid="audit_login")
def record_login(sender, request, user, **kwargs) -> None:
    """Stamp the new session (Django has already given it a new key) and record the login."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    has_device = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
    temporary = PasswordReset.objects.filter(user=user).exists()
    sessions.start(request.session, has_second_factor=has_device, must_choose_password=temporary)
    record_access(request, AccessAction.LOGIN, user=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def record_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        detail = getattr(request, "sinen_logout_reason", "")
        record_access(request, AccessAction.LOGOUT, user=user, detail=detail)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    """Record the name that was typed (django-axes cleanses the password from CREDENTIALS)."""
    if request is not None:
        record_access(request, AccessAction.LOGIN_FAILED, username=str(credentials.get("username") or ""))


def record_lockout(sender, request, username=None, ip_address=None, **kwargs) -> None:
    if request is not None:
        record_access(
            request,
            AccessAction.LOCKED_OUT,
            username=str(username or ""),
            detail="too many failed logins",
            status_code=429,
        )
