"""The pathway shows the editable texts: option titles, summaries and caveats, and the step help."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.pathways.engine.rules import TITLES
from cases.pathways.models import RecommendationText, StepHelp
from cases.pathways.services import assess
from cases.pathways.steps import STEP_BY_SLUG
from tests.pathways.test_pathway_steps import HX, imaging_post
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return make_case(**STAGE_IV)


def step_url(case, slug: str) -> str:
    return reverse("pathways:step", kwargs={"public_id": case.public_id, "slug": slug})


def option_html(page: str, code: str) -> str:
    start = page.index(f'data-code="{code}"')
    return page[start : page.index("</li>", page.index("</details>", start))]


def test_the_panel_shows_each_options_title_summary_and_caveats(client, clinician, case):
    RecommendationText.objects.filter(code="rfa").update(
        title="Radiofrequency ablation", summary="Ablation of few small lesions.", caveats="Cover with octreotide."
    )
    client.force_login(clinician)
    rfa = option_html(client.get(step_url(case, "imaging")).content.decode(), "rfa")
    assert '<span class="rec-title">Radiofrequency ablation</span>' in rfa
    assert "Ablation of few small lesions." in rfa
    assert "<strong>Caveats:</strong> Cover with octreotide." in rfa
    assert 'data-verdict="' in rfa and 'class="reasons"' in rfa


def test_the_engines_output_is_unchanged_by_the_texts(case):
    RecommendationText.objects.filter(code="rfa").update(title="Something else")
    assert assess(case).assessment.recommendation("rfa").title == TITLES["rfa"]


def test_an_option_without_a_text_shows_the_engines_title(client, clinician, case):
    RecommendationText.objects.filter(code="rfa").delete()
    client.force_login(clinician)
    rfa = option_html(client.get(step_url(case, "imaging")).content.decode(), "rfa")
    assert f'<span class="rec-title">{TITLES["rfa"]}</span>' in rfa
    assert "rec-summary" not in rfa and "Caveats" not in rfa


def test_texts_typed_by_an_editor_are_escaped_in_the_panel(client, clinician, case):
    RecommendationText.objects.filter(code="rfa").update(
        title="<b>RFA</b>", summary="<script>alert(1)</script>", caveats="a & b\nnext line"
    )
    client.force_login(clinician)
    page = client.get(step_url(case, "imaging")).content.decode()
    assert "<script>alert(1)" not in page and "<b>RFA</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;RFA&lt;/b&gt;" in page
    assert "a &amp; b<br>next line" in page


def test_the_step_shows_its_help_and_an_edit_shows_on_the_next_page(client, clinician, case):
    client.force_login(clinician)
    page = client.get(step_url(case, "imaging")).content.decode()
    assert f'data-testid="step-help">{STEP_BY_SLUG["imaging"].intro}</p>' in page
    StepHelp.objects.filter(step="imaging").update(text="Contrast CT <or> MRI.\nAsk for the arterial phase.")
    page = client.get(step_url(case, "imaging")).content.decode()
    assert 'data-testid="step-help">Contrast CT &lt;or&gt; MRI.<br>Ask for the arterial phase.</p>' in page


def test_a_step_without_help_shows_its_builtin_intro(client, clinician, case):
    StepHelp.objects.filter(step="cardiac").delete()
    client.force_login(clinician)
    page = client.get(step_url(case, "cardiac")).content.decode()
    assert STEP_BY_SLUG["cardiac"].intro in page


def content_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "pathways_recommendationtext" in q["sql"] or "pathways_stephelp" in q["sql"]]


def test_a_step_page_loads_all_texts_with_one_query(client, clinician, case):
    client.force_login(clinician)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(step_url(case, "imaging")).status_code == 200
    assert len(content_queries(queries)) == 1


def test_a_saved_step_answered_with_three_partials_loads_the_texts_once(client, clinician, case):
    client.force_login(clinician)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(step_url(case, "imaging"), imaging_post(case), headers=HX)
    assert response.status_code == 200
    assert len(content_queries(queries)) == 1
    assert 'data-testid="step-help"' in response.content.decode()


def test_the_panel_renders_without_a_request_for_documents(case):
    """A PDF renders the shared panel with no request: the texts are loaded once for the whole document."""
    RecommendationText.objects.filter(code="mwa").update(summary="Larger ablation zones.")
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string("pathways/_assessment.html", {"result": assess(case)})
    assert "Larger ablation zones." in html
    assert len(content_queries(queries)) == 1
