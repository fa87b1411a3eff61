"""Django set up for the in-process benches (bench/meeting.py, bench/follow.py): import this module first.

The bench runs against DATABASE_URL if given (an empty database), else a throwaway SQLite file removed at
exit; never against the development database. Requests go through Django's test client, whose host is
allowed here rather than with setup_test_environment(), which would instrument every template render and
distort the figures.
"""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinen_mdt.settings")
if "DATABASE_URL" not in os.environ:
    _tmp = tempfile.mkdtemp(prefix="sinen-bench-")
    atexit.register(shutil.rmtree, _tmp, ignore_errors=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
if "db.sqlite3" in os.environ["DATABASE_URL"]:
    sys.exit(f"bench/{Path(sys.argv[0]).name} refuses to run against the development database db.sqlite3.")
os.environ.setdefault("DEBUG", "false")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()
