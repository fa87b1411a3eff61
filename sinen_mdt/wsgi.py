"""WSGI entry point: `gunicorn sinen_mdt.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinen_mdt.settings")

application = get_wsgi_application()
