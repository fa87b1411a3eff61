"""Links a page writes once a row: the URL reversed once, with a stand-in for the part that varies; and the nav
bar's links, which take no arguments, reversed once per process.

`reverse` costs about as much as the rest of a row: a 100-item agenda asked it 400 times a page, a page of
patients 25 times, a step's rail 8 times, and the nav bar a dozen times on every page (about 0.05 ms each).
"""

import uuid
from collections.abc import Callable
from functools import cache

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()

# Stands for the varying part of a URL reversed once: no real object has it (uuid4 never makes it), and its text
# is also a valid slug.
ANY = uuid.UUID(int=0)


def link_maker(name: str, **kwargs) -> Callable[[object], str]:
    """Reverse the URL NAME once, with ANY for the one keyword argument that varies, and return a function giving
    the URL with a value in its place: `link_maker("patients:patient_detail", public_id=ANY)(patient.public_id)`.
    The value is written as `str` gives it, unescaped, as `reverse` would."""
    head, tail = reverse(name, kwargs=kwargs).split(str(ANY))
    return lambda value: f"{head}{value}{tail}"


@cache
def _fixed(name: str, script_prefix: str) -> str:
    return reverse(name)  # reverse writes get_script_prefix() in front, hence the key


@register.simple_tag
def fixed_url(name: str) -> str:
    """`{% fixed_url 'dashboard' %}`: `{% url 'dashboard' %}` for a URL that takes no arguments, reversed once per
    process and script prefix (the URLconf does not change while the process runs)."""
    return _fixed(name, get_script_prefix())
