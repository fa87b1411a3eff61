"""Each option shows its deciding reason (why) and the facts to confirm first, the rest on demand: in the live
panel, in meeting mode and in the case summary PDF; the round-2 options appear in the decision form and the PDF
with their content texts."""

import io
import re

import pypdf
import pytest
from django.urls import reverse

from cases.pathways.models import RecommendationText
from cases.pathways.services import assess
from cases.reports.summary import case_summary_html, render_case_summary
from tests.meetings.factories import add_item, make_meeting, present_url
from tests.patients.factories import STAGE_IV, make_case

pytestmark = pytest.mark.django_db

NEW_OPTIONS = ("hipec", "cardiology_assessment", "somatostatin_analogue")


@pytest.fixture
def case():
    return make_case(**STAGE_IV)


def option_html(page: str, code: str) -> str:
    start = page.index(f'<li data-code="{code}"')  # the assessment panel's option
    return page[start : page.index("</li>", page.index("</details>", start))]


def assert_why_and_to_confirm_come_first(page: str, case) -> None:
    liver_resection = assess(case).assessment.recommendation("liver_resection")
    assert liver_resection.verdict == "recommended"
    assert [item.label for item in liver_resection.to_confirm] == ["liver failure", "ECOG performance status"]
    html = option_html(page, "liver_resection")
    why = html.index('data-testid="why"')
    to_confirm = html.index('data-testid="to-confirm"')
    details = html.index("<details")
    assert why < to_confirm < details
    assert "All of the liver tumour burden can be removed (with ablation if needed)" in html[why:to_confirm]
    assert "liver failure; ECOG performance status" in html[to_confirm:details]
    hidden = html[details:]
    assert html[why:to_confirm].count("All of the liver tumour burden") == 1
    assert "All of the liver tumour burden can be removed" not in hidden  # the why is not repeated
    assert 'class="reasons"' in hidden and "Sources:" in hidden


def test_the_live_panel_shows_why_and_what_to_confirm_before_the_other_reasons(client, clinician, case):
    client.force_login(clinician)
    page = client.get(reverse("pathways:step", kwargs={"public_id": case.public_id, "slug": "imaging"}))
    assert page.status_code == 200
    assert_why_and_to_confirm_come_first(page.content.decode(), case)


def test_meeting_mode_shows_why_and_what_to_confirm_before_the_other_reasons(client, clinician, chair, case):
    item = add_item(make_meeting(chair), case)
    client.force_login(clinician)
    response = client.get(present_url(item))
    assert response.status_code == 200
    page = response.content.decode()
    assert_why_and_to_confirm_come_first(page, case)
    # The board view's row of the option says the same, beside the decision controls (issue 18).
    row = page[page.index('<tr data-code="liver_resection"') :]
    row = row[: row.index("</tr>")]
    assert "All of the liver tumour burden can be removed" in row
    assert "To confirm: liver failure; ECOG performance status" in row
    assert 'name="outcome_liver_resection"' in row


def test_the_new_options_are_in_the_panel_and_the_decision_form_with_their_content_texts(
    client, clinician, chair, case
):
    RecommendationText.objects.filter(code="somatostatin_analogue").update(title="SSA (long term)")
    item = add_item(make_meeting(chair), case)
    client.force_login(clinician)
    page = client.get(present_url(item)).content.decode()
    for code in NEW_OPTIONS:
        assert f'data-code="{code}"' in page  # the panel
        assert re.search(rf'<tr data-code="{code}"', page)  # a row of the decision form
        assert f'name="outcome_{code}"' in page
    assert page.count("SSA (long term)") == 2  # the panel and the form both show the editable title


@pytest.mark.real_pdf
def test_the_case_summary_prints_why_and_what_to_confirm_and_the_new_options(case):
    # Before a decision the record lists every option on one line: verdict, title, why, what to confirm.
    html = case_summary_html(case, None)
    line = html[html.index("<b>Resection of liver metastases with curative intent</b>") :]
    line = line[: line.index("</p>")]
    assert "— All of the liver tumour burden can be removed" in line
    assert "<b>To confirm:</b> liver failure; ECOG performance status" in line
    assert html.count("All of the liver tumour burden can be removed") == 1
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(render_case_summary(case, None))).pages)
    text = " ".join(text.split())
    for title in (
        "Long-term somatostatin analogue therapy",
        "Hyperthermic intraperitoneal chemotherapy (HIPEC) with the cytoreduction",
        "Cardiology assessment before major surgery",
    ):
        assert title in text
    assert (
        "Long-term somatostatin analogue therapy — Carcinoid syndrome: somatostatin analogues are of high importance"
        in text
    )
