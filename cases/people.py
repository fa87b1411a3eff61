"""How the app names a person on screen and on paper: their full name, or their username when they have none.

`display_name(user)` in Python; `{{ user|display_name }}` in templates after `{% load people %}` (registered
in settings.TEMPLATES as a library of its own, as this module belongs to no app).
"""

from django import template

register = template.Library()


def display_name(user) -> str:
    """Return USER's full name, or their username when they have none."""
    return user.get_full_name() or user.get_username()


@register.filter(name="display_name")
def display_name_filter(user) -> str:
    """Name USER as display_name() does; nobody (an empty field, e.g. no presenter) is an empty string."""
    return "" if user is None else display_name(user)
