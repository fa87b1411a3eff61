"""The assessment panel's options are written by `{% option %}` (cases/pathways/templatetags/pathway_tags.py)
without the template engine: the markup must be exactly what pathways/_option.html writes, for every option
of the engine's assessments, with and without editable texts, open or closed."""

import pytest
from django.template import Context, Template

from cases.pathways.content import OptionText
from cases.pathways.services import assess
from cases.pathways.templatetags.pathway_tags import write_option
from tests.patients.factories import STAGE_IV, STAGE_IV_COMPLETE, make_case

pytestmark = pytest.mark.django_db

INCLUDE = Template('{% include "pathways/_option.html" %}')
TEXTS = [
    lambda rec: OptionText(rec.title),
    lambda rec: OptionText(
        f"{rec.title} <edited> & more", "First line.\nSecond <b>line</b>.", "Mind the\r\ngap & this."
    ),
]


@pytest.mark.parametrize("findings", [{}, STAGE_IV, STAGE_IV_COMPLETE, {**STAGE_IV_COMPLETE, "ki67_percent": "25"}])
def test_each_option_is_written_exactly_as_its_template_writes_it(findings):
    assessment = assess(make_case(**findings)).assessment
    if assessment is None:
        pytest.skip("these findings contradict each other: no options")
    assert assessment.recommendations
    assert any(rec.citations for rec in assessment.recommendations)
    for rec in assessment.recommendations:
        for text_of in TEXTS:
            for is_open in (False, True):
                text = text_of(rec)
                expected = INCLUDE.render(Context({"rec": rec, "text": text, "open": is_open}))
                assert write_option(rec, text, is_open) == expected, rec.code


def test_some_options_name_facts_to_confirm_first():
    recommendations = assess(make_case(**STAGE_IV)).assessment.recommendations
    rec = next(rec for rec in recommendations if rec.to_confirm)
    assert 'data-testid="to-confirm"' in write_option(rec, OptionText(rec.title))


def test_the_panel_shows_the_options_with_their_editable_texts(client, coordinator):
    case = make_case(**STAGE_IV)
    client.force_login(coordinator)
    page = client.get(f"/cases/{case.public_id}/pathway/presentation/").content.decode()
    first = assess(case).assessment.recommendations[0]
    assert f'<li data-code="{first.code}" data-verdict="{first.verdict}">\n<p class="option-head mb-0">' in page
    assert page.count('data-testid="why"') == len(assess(case).assessment.recommendations)
