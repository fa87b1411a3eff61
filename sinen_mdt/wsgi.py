"""WSGI entry point: `gunicorn sinen_mdt.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinen_mdt.settings")

application = get_wsgi_application()

# Imports, URLs and templates, before gunicorn hands this worker a request (sinen_mdt/warmup.py).
from sinen_mdt.warmup import warm_up  # noqa: E402

warm_up()
