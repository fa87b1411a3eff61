"""Django's model backend, refusing a temporary password after it has expired (cases.audit.accounts), and
reading the user of every request with the names of their groups (their roles) in one query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import StringAgg, Value

from cases.audit.accounts import temporary_password_expired
from cases.compiled import CompiledQuery, Slot


def _users_with_group_names(pk):
    users = get_user_model()._default_manager
    return users.annotate(group_names=StringAgg("groups__name", Value("\n"), default=Value(""))).filter(pk=pk)


# The request's user, compiled once (cases/compiled.py): 0.6 ms of CPU less on every page.
USER = CompiledQuery(_users_with_group_names, pk=Slot(get_user_model(), "id", 2_147_483_001))


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

    def get_user(self, user_id):
        """Return the request's user, as Django's backend does, with `group_names`: the names of their groups,
        one per line ("" for none), so that `cases.access.user_roles` needs no query of its own on every page.
        Read afresh on every request, as the user is: a role taken away counts from the next request on."""
        try:
            user = USER.first(pk=user_id)
        except (TypeError, ValueError):  # not a number: a session from elsewhere
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
