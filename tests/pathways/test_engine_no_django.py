"""The engine is pure Python: importing and running it loads no Django module."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """
import sys
import cases.pathways.engine as engine
engine.evaluate(engine.facts_from_dict({"liver": {"lesions": 3}}), engine.Guideline())
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "django")
assert not loaded, loaded
print("ok")
"""


def test_importing_and_running_the_engine_imports_no_django_module():
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_the_engine_source_has_no_django_import():
    for path in (ROOT / "cases" / "pathways" / "engine").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            assert not (words[:1] in (["import"], ["from"]) and words[1].startswith("django")), f"{path}: {line}"
