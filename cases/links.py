"""Links a page writes once a row: the URL reversed once, with a stand-in for the part that varies.

`reverse` costs about as much as the rest of a row: a 100-item agenda asked it 400 times a page, a page of
patients 25 times, a step's rail 8 times.
"""

import uuid
from collections.abc import Callable

from django.urls import reverse

# Stands for the varying part of a URL reversed once: no real object has it (uuid4 never makes it), and its text
# is also a valid slug.
ANY = uuid.UUID(int=0)


def link_maker(name: str, **kwargs) -> Callable[[object], str]:
    """Reverse the URL NAME once, with ANY for the one keyword argument that varies, and return a function giving
    the URL with a value in its place: `link_maker("patients:patient_detail", public_id=ANY)(patient.public_id)`.
    The value is written as `str` gives it, unescaped, as `reverse` would."""
    head, tail = reverse(name, kwargs=kwargs).split(str(ANY))
    return lambda value: f"{head}{value}{tail}"
