"""Warm an app server's process before it takes requests: imports, URLs and compiled templates.

Django imports the views, builds the URL resolver and compiles each template on the first request that needs
them, and pyHanko (the decision page's check of its signed PDF) takes about a second to import. In a freshly
started gunicorn worker the first page therefore cost 1.7 s of CPU and the first decision page 0.7 s, while
the worker's other threads waited for the interpreter: the first users after a deployment or a worker's
restart (gunicorn --max-requests) paid for it. `sinen_mdt/wsgi.py` calls `warm_up()` once per process as it
loads, before gunicorn hands the worker any connection. Management commands and tests do not call it.
"""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver

logger = logging.getLogger(__name__)


def template_names(directory: Path) -> list[str]:
    """Return the names of the HTML templates under DIRECTORY, as `get_template` takes them."""
    return sorted(str(path.relative_to(directory)) for path in directory.rglob("*.html"))


def warm_up() -> float:
    """Import what the pages use, build the URL resolver and compile every template; return the seconds taken."""
    started = time.monotonic()
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports every view module)
    resolver.reverse_dict  # noqa: B018 (builds the reverse lookup that the first {% url %} would)
    # The decision page verifies its signed PDF with pyHanko (cases/reports/integrity._read_signed_pdf).
    import cases.reports.signing  # noqa: F401

    for engine in engines.all():
        for directory in map(Path, engine.template_dirs):
            if not directory.is_relative_to(settings.BASE_DIR) or ".venv" in directory.parts:
                continue  # the app's own templates; the admin's and libraries' compile on first use
            for name in template_names(directory):
                try:
                    engine.get_template(name)  # compiled and kept by the cached template loader
                except TemplateSyntaxError:
                    # Not ours to stop the server for: the page that uses it answers the error as it would have.
                    logger.exception("Template %s does not compile", name)
    seconds = time.monotonic() - started
    logger.info("Warmed up in %.2f s", seconds)
    return seconds
