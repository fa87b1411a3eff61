"""Benchmark of form rendering: the largest pathway step and meeting mode's decision form, 1,000 renders each.

Both are re-rendered on the shared screen at every save (the step's form swap, the decision panel), so their
render time is the part of those answers that the one way of rendering forms decides (docs/architecture.md,
where the figures that chose Django's form renderer over crispy are). Prints the median per render in
milliseconds of process time (other processes on the machine count less than in wall-clock time).

    .venv/bin/python bench/forms.py [--renders N]
"""

import argparse
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinen_mdt.settings")
_tmp = tempfile.mkdtemp(prefix="sinen-bench-")
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("DEBUG", "false")  # the cached template loader, as in production

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.template import engines  # noqa: E402

from cases.meetings.forms import DecisionForm, decision_initial, follow_up_formset  # noqa: E402
from cases.pathways.forms import initial_for, step_form_class  # noqa: E402
from cases.pathways.services import assess  # noqa: E402
from cases.pathways.steps import get_step  # noqa: E402
from tests.patients.factories import STAGE_IV, make_case  # noqa: E402


def median_ms(template, contexts: list[dict]) -> float:
    for context in contexts[:20]:  # warm the template cache
        template.render(context)
    samples = []
    for context in contexts:
        start = time.process_time()
        template.render(context)
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=1000)
    renders = parser.parse_args().renders
    call_command("migrate", verbosity=0)
    case = make_case(**STAGE_IV)  # the tests' stage IV case: every option of the engine on the form
    engine = engines["django"]

    step = get_step("imaging")
    form_class = step_form_class(step)
    step_template = engine.from_string("{{ form }}")
    unbound = [{"form": form_class(initial=initial_for(case, step), case=case, step=step)} for _ in range(renders)]
    bound = []
    for _ in range(renders):
        form = form_class({"version": case.version, "primary_size_cm": "abc"}, case=case, step=step)
        form.is_valid()
        bound.append({"form": form})

    recommendations = assess(case).assessment.recommendations
    decision_template = engine.from_string('{% include "meetings/_decision_form.html" %}')
    decisions = []
    for _ in range(renders):
        initial, actions = decision_initial(recommendations, None, case)
        decisions.append(
            {
                "form": DecisionForm(initial=initial, recommendations=recommendations),
                "formset": follow_up_formset(actions=actions),
                "meeting": case,  # only its public_id is used, for the form's URL
                "item": case,
            }
        )

    print(f"{renders} renders each, median per render:")
    rows = [
        (f"imaging step form ({len(step.fields)} findings)", median_ms(step_template, unbound)),
        ("imaging step form with errors", median_ms(step_template, bound)),
        (f"decision form ({len(recommendations)} options)", median_ms(decision_template, decisions)),
    ]
    for label, ms in rows:
        print(f"  {label:<40} {ms:6.2f} ms")


if __name__ == "__main__":
    main()
