"""Meeting mode is written in Python where the template engine was slow: the decision form's option rows by
`{% outcome_row %}`, its fields in tables by `{% in_table %}`, the list of the agenda's cases by `{% agenda_jump %}`
(cases/meetings/templatetags/meeting_tags.py) and the outcome radios by `OutcomeRadios.render`
(cases/meetings/forms.py). Each must write exactly what its template writes (meetings/_outcome_row.html,
forms/field_in_table.html, meetings/_agenda_jump.html, meetings/widgets/outcome_radios.html), for a fresh form
and for one refused with an error at every kind of field."""

import pytest
from django.template import Context, Template

from cases.forms import FormRenderer
from cases.meetings.forms import DecisionForm, follow_up_formset
from cases.meetings.templatetags.meeting_tags import agenda_jump, in_table, outcome_row
from cases.meetings.views import agenda_items, with_item_urls
from cases.pathways.services import assess
from tests.meetings.factories import (
    CONSIDERED,
    NOT_RECOMMENDED,
    RECOMMENDED,
    add_item,
    decision_post,
    make_meeting,
    record,
    save_url,
)
from tests.meetings.factories import present_url as meeting_mode_url
from tests.patients.factories import STAGE_IV, make_case, make_patient
from tests.test_form_rendering import TemplatesOnly, both_ways

pytestmark = pytest.mark.django_db

ROW = Template('{% include "meetings/_outcome_row.html" %}')
JUMP = Template('{% include "meetings/_agenda_jump.html" %}')
FIELD = Template("{{ field.as_field_group }}")

# Refused at every kind of row: a considered option without an outcome, a departure without a reason, a reason
# longer than allowed (its counter says by how much), an outcome outside the three, and markup in a reason.
REFUSED = {
    f"outcome_{CONSIDERED}": "",
    f"outcome_{RECOMMENDED}": "reject",
    f"reason_{RECOMMENDED}": "",
    f"outcome_{NOT_RECOMMENDED}": "maybe",
    f"reason_{NOT_RECOMMENDED}": "<b>" * 400,
    "actions-0-owner": "",
    "actions-1-due_date": "soon",
}


def decision_forms(recommendations, data=None):
    """The same decision form twice: with the app's renderer (Python) and with its templates only (the reference)."""
    return [
        DecisionForm(data, recommendations=recommendations, renderer=renderer())
        for renderer in (FormRenderer, TemplatesOnly)
    ]


@pytest.mark.parametrize("refused", [False, True], ids=["fresh", "refused"])
def test_each_option_row_is_written_exactly_as_its_template_writes_it(refused, chair):
    case = make_case(**STAGE_IV)
    recommendations = assess(case).assessment.recommendations
    data = None
    if refused:
        item = add_item(make_meeting(chair), case)
        data = decision_post(item, **REFUSED)
    ours, reference = decision_forms(recommendations, data)
    if refused:
        assert not ours.is_valid() and not reference.is_valid()
    rows = list(zip(ours.main_rows() + ours.other_rows(), reference.main_rows() + reference.other_rows(), strict=True))
    assert any(row["rec"].why for row, _ in rows) and any(row["rec"].to_confirm for row, _ in rows)
    for row, reference_row in rows:
        expected = ROW.render(Context({"row": reference_row}))
        assert outcome_row(Context({}), row) == expected, row["rec"].code
    if refused:
        written = "".join(outcome_row(Context({}), row) for row, _ in rows)
        assert "table-danger" in written and 'aria-invalid="true"' in written and "char-count-over" in written
        assert "&lt;b&gt;" in written and "<b>" not in written


def test_each_follow_up_field_is_written_exactly_as_its_template_writes_it():
    data = {
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-what": "Book <CT> & review",
        "actions-0-owner": "",
        "actions-0-due_date": "2026-12-15",
        "actions-1-what": "",
        "actions-1-owner": "",
        "actions-1-due_date": "soon",
    }
    for bound in (None, data):
        ours = follow_up_formset(actions=[]) if bound is None else follow_up_formset(data=bound)
        reference = follow_up_formset(actions=[]) if bound is None else follow_up_formset(data=bound)
        for form in reference:
            form.renderer = TemplatesOnly()
        for form, reference_form in zip(ours, reference, strict=True):
            for name in form.fields:
                assert in_table(form[name]) == FIELD.render(Context({"field": reference_form[name]})), name


def test_meeting_mode_is_the_same_page_either_way(client, chair, clinician, settings):
    item = add_item(make_meeting(chair))
    client.force_login(clinician)
    ours, templates = both_ways(settings, lambda: client.get(meeting_mode_url(item)))
    assert ours == templates
    assert 'class="outcome-choices"' in ours and "board-option-row" in ours
    refused = decision_post(item, **REFUSED)
    ours, templates = both_ways(settings, lambda: client.post(save_url(item), refused))
    assert ours == templates
    assert "table-danger" in ours and "invalid-feedback" in ours


def test_the_list_of_the_agendas_cases_is_written_exactly_as_its_template_writes_it(chair, clinician):
    meeting = make_meeting(chair)
    add_item(meeting)
    decided = add_item(meeting, make_case(patient=make_patient(family_name="o'Brien <Müller>", given_name="A & B")))
    record(decided, clinician)
    items = with_item_urls(meeting, agenda_items(meeting))
    assert {item.decision_status for item in items} == {None, "draft"}
    for current in items:
        written = agenda_jump(items, current)
        assert written == JUMP.render(Context({"items": items, "item": current}))
        assert written.count('aria-current="step"') == 1
    assert "O&#x27;BRIEN &lt;MÜLLER&gt;, A &amp; B" in written
