"""The access log: who read which patient page or downloaded which PDF, and every login and refusal.

Append-only: rows are written by `record_access` and never changed or deleted, guarded twice: here
(save/delete refuse existing rows) and by database triggers refusing UPDATE and DELETE (migration
0003, SQLite and PostgreSQL). Times are stored in UTC. docs/security.md says what is recorded when.
"""

from django.conf import settings
from django.db import models


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed a patient page"
    PDF_DOWNLOAD = "pdf_download", "Downloaded a PDF"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOGOUT = "logout", "Logged out"
    REFUSED = "refused", "Refused request"
    LOCKED_OUT = "locked_out", "Locked out after failed logins"
    OTP_VERIFIED = "otp_verified", "Passed the second factor"
    OTP_FAILED = "otp_failed", "Wrong second-factor code"
    OTP_ENROLLED = "otp_enrolled", "Set up a second factor"
    OTP_RESET = "otp_reset", "Reset a user's second factor"
    SESSIONS_ENDED = "sessions_ended", "Ended a user's sessions"
    UNLOCKED = "unlocked", "Unlocked a user's login"
    LOG_EXPORTED = "log_exported", "Exported the access log"


class AccessLogError(Exception):
    """Raised when code tries to change or delete an access log entry."""


class AccessLog(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # PROTECT: an account that appears in the log is deactivated, never deleted (the row cannot change).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept as typed at the time: the log must still say who it was after a user is renamed. For a
    # failed login it is the name that was typed, whether or not such an account exists.
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=AccessAction.choices)
    # What was read: a model label and its public UUID, never a name or hospital number.
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.UUIDField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    method = models.CharField(max_length=8, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # Why, for the entries that need it: the reason a session ended, the account an administrator acted
    # on. Usernames and reasons only, never patient data.
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["user", "-at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=AccessAction.values), name="access_action_valid")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or 'anonymous'} {self.action} {self.path}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AccessLogError("access log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogError("access log entries cannot be deleted")
