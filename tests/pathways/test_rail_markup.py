"""A step page's rail is written in Python by `{% rail_entries %}` (cases/pathways/templatetags/pathway_tags.py)
where the template engine was slow: it must be exactly what its template (pathways/_rail_entry.html) writes, for
every state an entry can be in and whichever step is open."""

from datetime import date

import pytest
from django.template import Context, Template

from cases.pathways.steps import STEPS, rail
from cases.pathways.templatetags.pathway_tags import rail_entries
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db

ENTRY = Template('{% include "pathways/_rail_entry.html" %}')


def test_the_rail_is_written_exactly_as_its_template_writes_it():
    fresh = make_case()
    presented = {"symptomatic": True, "emergency_presentation": False, "family_history": False, "ecog": 1}
    presented |= {"assessed_on": date(2026, 10, 1)}
    worked_up = make_case(**{**STAGE_IV, **presented})
    worked_up.step_versions = {step.slug: 1 for step in STEPS[:3]}
    states = set()
    for case in (fresh, worked_up):
        for current in STEPS:
            entries = rail(case, current)
            written = rail_entries(entries, case)
            assert written == "".join(ENTRY.render(Context({"entry": e, "case": case})) for e in entries)
            assert written.count('aria-current="step"') == 1
            states |= {(e.state, bool(e.unknown)) for e in entries}
    # Every branch of the entry's state was written: done, not applicable, some unknown, and nothing yet.
    assert {"done", "not_applicable"} <= {state for state, _ in states}
    assert {("incomplete", True), ("incomplete", False)} <= states


def test_the_step_page_shows_the_rail(client, clinician):
    case = make_case(**STAGE_IV)
    client.force_login(clinician)
    page = client.get(f"/cases/{case.public_id}/pathway/imaging/").content.decode()
    rail_markup = page.split('id="step-rail"')[1].split("</ol>")[0]
    assert rail_markup.count("<li ") == len(STEPS)
    assert f'href="/cases/{case.public_id}/pathway/imaging/" aria-current="step"' in rail_markup
