"""Django's model backend, refusing a temporary password after it has expired (cases.audit.accounts)."""

from django.contrib.auth.backends import ModelBackend

from cases.audit.accounts import temporary_password_expired


class AccountBackend(ModelBackend):
    """Log in by username and password, unless the password is a temporary one past its time.

    Checked at login only (one query), not on every request: the reset ended the user's sessions, and
    the first login leads to choosing a new password, which ends the temporary one.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and temporary_password_expired(user):
            return None
        return user
