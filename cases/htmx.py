"""Small helpers for answering htmx and plain requests alike."""

from django.http import HttpRequest


def invalid_status(request: HttpRequest) -> int:
    """Return the status for a form re-rendered with errors.

    htmx does not swap 4xx answers by default, so it gets 200; a plain form post gets 422.
    """
    return 200 if request.htmx else 422
