"""Small helpers for answering htmx and plain requests alike."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware: `request.htmx` says whether htmx sent it.

    For type hints only (django-htmx's documented pattern); the middleware sets the attribute.
    """

    htmx: HtmxDetails


def invalid_status(request: HtmxHttpRequest) -> int:
    """Return the status for a form re-rendered with errors.

    htmx does not swap 4xx answers by default, so it gets 200; a plain form post gets 422.
    """
    return 200 if request.htmx else 422
