"""The access log: who read which patient page or downloaded which PDF, and every login and refusal.

Append-only: rows are written by `record_access` and never changed or deleted, guarded three times: here
(save/delete refuse existing rows), by database triggers refusing UPDATE, DELETE and SQLite's REPLACE
(migrations 0003 and 0005, SQLite and PostgreSQL), and by a chain: every entry names its position and the
SHA-256 of the entry before it, and is signed with the installation's key (cases/integrity.py), so that
`manage.py verify_records` detects a changed, removed or inserted entry even when the triggers were
dropped. Times are stored in UTC. docs/security.md says what is recorded when.
"""

import uuid
from datetime import UTC

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cases import integrity
from cases.access import Role


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
    # Account administration (cases/audit/accounts.py), each in the transaction of the change it records.
    ACCOUNT_CREATED = "account_created", "Created an account"
    ACCOUNT_CHANGED = "account_changed", "Changed an account"
    ROLE_REQUESTED = "role_requested", "Asked for a role to be given"
    ROLE_GRANTED = "role_granted", "Gave a role"
    ROLE_REFUSED = "role_refused", "Refused a role request"
    ROLE_WITHDRAWN = "role_withdrawn", "Withdrew a role request"
    ROLE_REMOVED = "role_removed", "Took a role away"
    GROUP_CHANGED = "group_changed", "Changed a role's permissions"
    PASSWORD_RESET = "password_reset", "Issued a temporary password"
    PASSWORD_CHANGED = "password_changed", "Changed their password"


class AccessLogError(Exception):
    """Raised when code tries to change or delete an access log entry."""


class AccessLog(models.Model):
    # Set by record_access under the chain's lock (not auto_now_add: the signed statement must name it).
    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
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
    # The chain: position, the previous entry's statement SHA-256, and the key's signature over this one's.
    # Entries written before the chain existed were chained by migration 0005 without a signature; the
    # first signed entry's statement vouches for them.
    chain_position = models.PositiveBigIntegerField(unique=True, editable=False)
    chain_previous = models.CharField(max_length=64, editable=False)
    signature = models.TextField(blank=True, editable=False)
    signing_key = models.CharField(max_length=64, blank=True, editable=False)

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

    def chain_payload(self) -> dict:
        """What this entry's signed statement says: every field as stored (times in UTC).

        The account by its username as it was, not by its row id: ids change when the records move to another
        database (docs/backup-restore.md), and the log names people as they were anyway.
        """
        return {
            "at": self.at.astimezone(UTC).isoformat(),
            "username": self.username,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": str(self.object_id) if self.object_id else None,
            "path": self.path,
            "method": self.method,
            "status_code": self.status_code,
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "detail": self.detail,
        }

    def chain_statement(self) -> bytes:
        return integrity.statement("access_log", self.chain_position, self.chain_previous, self.chain_payload())


class RoleRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second administrator"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class RoleRequest(models.Model):
    """One administrator asks for a role to be given to an account; a second one approves or refuses it.

    Four eyes for every role: a role opens patient data (the board's roles), clinical content (content
    editor) or every account (administrator). docs/security.md says who may do what; the constraints
    below hold the two-person rule in the database too. A superuser gives roles without a request.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_requests")
    role = models.CharField(max_length=20, choices=Role.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=RoleRequestStatus.choices, default=RoleRequestStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="role_request_role_valid"),
            models.CheckConstraint(condition=Q(status__in=RoleRequestStatus.values), name="role_request_status_valid"),
            # Nobody asks for a role for their own account, nor decides on a request for it.
            models.CheckConstraint(condition=~Q(account=F("requested_by")), name="role_request_not_for_oneself"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("account")),
                name="role_request_not_decided_by_its_account",
            ),
            # The second pair of eyes: an approval is by someone other than the one who asked.
            models.CheckConstraint(
                condition=~Q(status=RoleRequestStatus.APPROVED)
                | (Q(decided_by__isnull=False) & ~Q(decided_by=F("requested_by"))),
                name="role_request_approved_by_another",
            ),
            models.CheckConstraint(
                condition=Q(status=RoleRequestStatus.PENDING, decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status=RoleRequestStatus.PENDING) & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="role_request_decided_when_closed",
            ),
            models.UniqueConstraint(
                fields=["account", "role"],
                condition=Q(status=RoleRequestStatus.PENDING),
                name="role_request_one_pending_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} for {self.account}"


class PasswordReset(models.Model):
    """An account whose password is a temporary one from an administrator: it must choose its own.

    The row goes when the user has chosen a new password; until then the login leads only to the new
    password page (cases.middleware.NewPasswordMiddleware), and after `expires_at` the temporary password
    no longer logs in (cases.audit.backends). Who issued it, and when, is in the access log.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"temporary password of {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"
