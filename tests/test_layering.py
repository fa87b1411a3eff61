"""Imports between the apps run one way (docs/architecture.md): shared modules at the bottom, then
patients ← pathways ← meetings ← reports; audit uses only the shared modules; jobs (background work) only
them and audit, so that every app above may start jobs; the engine imports nothing from the apps.

Every module under cases/ is parsed (not imported), so an import inside a function counts as much as one
at the top; templates are read for the tag libraries they load and the templates they include or extend.
A lower app that must trigger a higher one is handed a function (e.g. settings.SIGNED_RECORD_WRITER).
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Longest prefix wins. A new module directly under cases/ is shared, so it must import no app.
LAYER_OF_PREFIX = {
    "cases": "shared",
    "cases.pathways.engine": "engine",
    "cases.audit": "audit",
    "cases.jobs": "jobs",
    "cases.patients": "patients",
    "cases.pathways": "pathways",
    "cases.meetings": "meetings",
    "cases.reports": "reports",
    # Project wiring, configured in settings rather than imported by an app: it may use any app.
    "cases.middleware": "wiring",
    "cases.health": "wiring",
}

# What each layer may import besides itself.
MAY_IMPORT = {
    "engine": set(),
    "shared": set(),
    "audit": {"shared"},
    "jobs": {"shared", "audit"},
    "patients": {"shared", "audit", "jobs", "engine"},
    "pathways": {"shared", "audit", "jobs", "engine", "patients"},
    "meetings": {"shared", "audit", "jobs", "engine", "patients", "pathways"},
    "reports": {"shared", "audit", "jobs", "engine", "patients", "pathways", "meetings"},
    "wiring": {"shared", "audit", "jobs", "engine", "patients", "pathways", "meetings", "reports"},
}

# Template folders and tag libraries, by the layer they belong to.
TEMPLATE_LAYERS = {
    "patients": "patients",
    "pathways": "pathways",
    "admin/pathways": "pathways",
    "meetings": "meetings",
    "reports": "reports",
    "audit": "audit",
    "registration": "audit",
    "jobs": "jobs",
}
TAG_LIBRARIES = {
    "people": "shared",
    "patient_tags": "patients",
    "pathway_tags": "pathways",
    "meeting_tags": "meetings",
    "report_tags": "reports",
}


def layer_of(module: str) -> str | None:
    """Return the layer of a dotted module name, or None for modules outside cases/ (Django, libraries)."""
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        layer = LAYER_OF_PREFIX.get(".".join(parts[:length]))
        if layer is not None:
            return layer
    return None


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """Return (line, dotted name) of every import in SOURCE, at any depth, relative ones resolved.

    For `from a.b import c` the name is `a.b.c`: c may be a module of its own (a deeper layer) and is
    otherwise a name in a.b, which is in the same layer.
    """
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """Return a sentence for each import in SOURCE (of MODULE) that runs back up."""
    layer = layer_of(module)
    problems = []
    for line, name in imported_modules(source, module, is_package):
        target = layer_of(name)
        if target is None or target == layer or target in MAY_IMPORT[layer]:
            continue
        problems.append(f"{module}:{line} imports {name}: {layer} may not import {target}")
    return problems


def python_files() -> list[Path]:
    return sorted((ROOT / "cases").rglob("*.py"))


def test_every_module_under_cases_belongs_to_a_layer():
    assert [p for p in python_files() if layer_of(module_name(p)) is None] == []


def test_no_app_imports_one_above_it():
    problems = []
    for path in python_files():
        problems += violations(path.read_text(), module_name(path), path.name == "__init__.py")
    assert problems == [], "\n".join(problems)


def test_no_app_imports_the_project_wiring():
    """Middleware and the health check are configured in settings and URLs; no app builds on them."""
    problems = []
    for path in python_files():
        module = module_name(path)
        if layer_of(module) == "wiring":
            continue
        for line, name in imported_modules(path.read_text(), module, path.name == "__init__.py"):
            if layer_of(name) == "wiring":
                problems.append(f"{module}:{line} imports {name}")
    assert problems == []


LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
INCLUDED = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"']+)["']""")


def template_layer(name: str) -> str:
    """Return the layer of a template by its folder; base.html and Django's own are shared."""
    folders = name.split("/")[:-1]
    for length in range(len(folders), 0, -1):
        layer = TEMPLATE_LAYERS.get("/".join(folders[:length]))
        if layer is not None:
            return layer
    return "shared"


def test_no_template_uses_one_of_an_app_above_it():
    problems = []
    templates = ROOT / "templates"
    for path in sorted(templates.rglob("*.html")):
        name = path.relative_to(templates).as_posix()
        layer = template_layer(name)
        text = path.read_text()
        used = [(library, TAG_LIBRARIES.get(library)) for found in LOAD.findall(text) for library in found.split()]
        used += [(included, template_layer(included)) for included in INCLUDED.findall(text)]
        for what, target in used:
            if target is not None and target != layer and target not in MAY_IMPORT[layer]:
                problems.append(f"{name} uses {what}: {layer} may not use {target}")
    assert problems == [], "\n".join(problems)


# --- the check itself ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "source", "offender"),
    [
        ("cases.patients.display", "def f():\n    from cases.pathways.steps import STEPS\n", "cases.pathways.steps"),
        ("cases.patients.views", "import cases.meetings.models\n", "cases.meetings.models"),
        ("cases.meetings.services", "from cases.reports import summary\n", "cases.reports.summary"),
        ("cases.audit.views", "from cases.patients.access import get_case\n", "cases.patients.access"),
        ("cases.pathways.engine.rules", "from cases.pathways import models\n", "cases.pathways.models"),
        ("cases.specialties", "from cases.meetings.models import Meeting\n", "cases.meetings.models.Meeting"),
        ("cases.jobs.services", "from cases.reports.summary import render_meeting_pack\n", "cases.reports.summary"),
        ("cases.pathways.views", "class V:\n    def get(self):\n        from ..meetings import views\n", None),
    ],
)
def test_the_check_finds_an_import_that_runs_back_up_wherever_it_is(module, source, offender):
    (problem,) = violations(source, module)
    assert offender is None or f"imports {offender}" in problem


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("cases.reports.summary", "from cases.meetings.models import Decision\nfrom cases.pathways import engine\n"),
        ("cases.pathways.forms", "from cases.pathways.engine import evaluate\nfrom . import steps\n"),
        ("cases.audit.views", "from cases.access import require\nfrom django.db import transaction\n"),
        ("cases.reports.tasks", "from cases.jobs.services import run_job\n"),
        ("cases.pathways.engine.rules", "from .facts import Facts\nfrom cases.pathways.engine import staging\n"),
    ],
)
def test_the_check_lets_imports_downwards_and_within_a_layer_pass(module, source):
    assert violations(source, module) == []
