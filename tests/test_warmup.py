"""An app server's worker warms up as it loads (sinen_mdt/warmup.py): the first users after a start or a worker's
restart do not pay for imports and template compilation."""

import subprocess
import sys

from django.conf import settings
from django.template import engines

from sinen_mdt.warmup import template_names, warm_up


def cached_names() -> set[str]:
    """The templates the cached loader holds compiled (keyed by name when looked up by name)."""
    return set(engines["django"].engine.template_loaders[0].get_template_cache)


def test_warming_up_compiles_every_template_of_the_app():
    engines["django"].engine.template_loaders[0].reset()
    warm_up()
    names = template_names(settings.BASE_DIR / "templates")
    assert "pathways/step.html" in names and "base.html" in names
    assert set(names) <= cached_names()


def test_the_wsgi_module_warms_up_as_gunicorn_loads_it():
    code = (
        "import sys; import sinen_mdt.wsgi as w; from django.template import engines;"
        "cache = engines['django'].engine.template_loaders[0].get_template_cache;"
        "print(callable(w.application), 'pathways/step.html' in cache, 'cases.reports.signing' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True"]
