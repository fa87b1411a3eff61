"""Roles and access helpers shared by every app.

Roles are Django groups (created by the patients app's data migration); a user's role decides what
they may see and change. The per-object permission helpers are added by the apps that own the objects.
"""

from django.db import models
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


class Role(models.TextChoices):
    """The board's roles; the value is the Django group name."""

    COORDINATOR = "coordinator", "Coordinator"
    CLINICIAN = "clinician", "Clinician"
    CHAIR = "chair", "Chair"
    VIEWER = "viewer", "Viewer"
    CONTENT_EDITOR = "content_editor", "Content editor"


def user_roles(user) -> list[Role]:
    """Return the user's roles in a stable order (no roles for anonymous users)."""
    if not user.is_authenticated:
        return []
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in Role if role.value in names]


def has_role(user, *roles: Role) -> bool:
    """Return True if the user holds at least one of ROLES."""
    return any(role in roles for role in user_roles(user))


def role_context(request: HttpRequest) -> dict:
    """Template context: `user_roles`, evaluated only when a template uses it."""
    return {"user_roles": SimpleLazyObject(lambda: user_roles(request.user))}
