"""The app's form renderer writes its field template, its radio groups and Django's simplest widget templates
in Python (cases.forms.FIELD_TEMPLATES, PROJECT_WIDGETS, WIDGETS): the markup must be exactly what the
templates write, for every kind of widget, value and field (errors, help, counters, conditional questions),
and a project's own override of one of Django's widget templates must still win."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from cases.forms import WIDGETS, FormRenderer
from cases.pathways.steps import STEPS
from cases.patients.models import CaseStatus
from tests.meetings.factories import add_item, make_meeting
from tests.patients.factories import STAGE_IV, STAGE_IV_COMPLETE, make_case

TRICKY_ATTRS = {
    "id": "id_x",
    "class": "form-control is-invalid",
    "required": True,
    "disabled": False,
    "maxlength": False,
    "data-note": 'a "quoted" <b>&</b> value',
    "data-safe": mark_safe("<kept>"),
    "data-count": 0,
    "aria-describedby": "id_x_helptext id_x_count",
}
CHOICES = [
    ("", "—"),
    ("a", 'Alpha & "beta"'),
    (3, gettext_lazy("Three")),
    ("Group <1>", [("g1", "In a group"), ("g2", mark_safe("<em>safe</em>"))]),
]


class TemplatesOnly(FormRenderer):
    """The app's renderer with every field and widget rendered by its template: the reference."""

    use_python = False


WIDGET_CASES = [
    (forms.TextInput(TRICKY_ATTRS), "Müller <o'brien>"),
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.TextInput({"inputmode": "decimal"}), Decimal("2.50")),
    (forms.TextInput(), 0),
    (forms.TextInput(), mark_safe("<safe>")),
    (forms.HiddenInput(), 7),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(TRICKY_ATTRS), False),
    (forms.DateInput(format="%Y-%m-%d"), datetime.date(2026, 12, 1)),
    (forms.EmailInput(), "a@example.org"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.NumberInput(), 12),
    (forms.URLInput(), "https://example.org/?a=1&b=2"),
    (forms.SearchInput({"placeholder": "Name or hospital number"}), "van der berg"),
    (forms.Select(TRICKY_ATTRS, choices=CHOICES), "a"),
    (forms.Select(choices=CHOICES), "g2"),
    (forms.Select(choices=CHOICES), None),
    (forms.Select(choices=[]), None),
    (forms.SelectMultiple(choices=CHOICES), ["a", "3"]),
    (forms.NullBooleanSelect(), True),
]


@pytest.mark.parametrize(("widget", "value"), WIDGET_CASES, ids=lambda case: type(case).__name__)
def test_each_widget_is_written_exactly_as_djangos_template_writes_it(widget, value):
    assert widget.template_name in WIDGETS
    djangos = widget.render("field", value, renderer=TemplatesOnly())
    ours = widget.render("field", value, renderer=FormRenderer())
    assert ours == djangos


def test_a_form_renders_the_same_through_either_renderer():
    class Everything(forms.Form):
        name = forms.CharField(max_length=20, help_text="As on the referral.")
        when = forms.DateField(widget=forms.DateInput)
        kind = forms.ChoiceField(choices=CHOICES[1:3])
        agree = forms.BooleanField()
        hidden = forms.IntegerField(widget=forms.HiddenInput)
        plan = forms.CharField(max_length=50, widget=forms.Textarea, help_text="The board's plan & why.")
        side = forms.ChoiceField(choices=[("l", "Left"), ("r", "Right")], widget=forms.RadioSelect, help_text="Side.")

    data = {"name": "x" * 30, "when": "not a date", "kind": "zz", "hidden": "1", "plan": "<b>" * 30, "side": "?"}
    assert str(Everything(renderer=FormRenderer())) == str(Everything(renderer=TemplatesOnly()))
    bound = Everything(data, renderer=FormRenderer())
    assert bound.errors["plan"]  # every field's errors, invalid classes and the counter's excess rendered too
    assert str(bound) == str(Everything(data, renderer=TemplatesOnly()))
    assert "char-count-over" in str(bound)


def test_the_attributes_filter_writes_what_djangos_attributes_template_writes():
    include = Template('{% include "django/forms/widgets/attrs.html" %}')
    djangos = include.render(Context({"widget": {"attrs": TRICKY_ATTRS}}))
    ours = Template("{% load forms %}{{ attrs|flat_attrs }}").render(Context({"attrs": TRICKY_ATTRS}))
    assert ours == djangos
    assert ' data-note="a &quot;quoted&quot; &lt;b&gt;&amp;&lt;/b&gt; value"' in ours
    assert " required" in ours and "disabled" not in ours


def test_a_projects_own_widget_template_still_wins(settings, tmp_path):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "text.html").write_text('<input class="overridden" name="{{ widget.name }}">')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    assert forms.TextInput().render("field", "x", renderer=FormRenderer()) == '<input class="overridden" name="field">'
    # A select whose options use another template is left to the templates altogether.
    (override / "select_option.html").write_text("<option>{{ widget.label }} (overridden)</option>")
    select = forms.Select(choices=[("a", "Alpha")]).render("field", "a", renderer=FormRenderer())
    assert "<option>Alpha (overridden)</option>" in select


def without_tokens(html: str) -> str:
    """HTML without what differs between two renderings of one page: CSRF tokens and CSP nonces."""
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)
    html = re.sub(r'("X-CSRFToken": ")[^"]+', r"\1", html)
    return re.sub(r'(nonce=")[^"]+', r"\1", html)


def both_ways(settings, send) -> tuple[str, str]:
    """Return the page SEND gets with the app's renderer and with the templates only."""
    pages = []
    for renderer in ("cases.forms.FormRenderer", "tests.test_form_rendering.TemplatesOnly"):
        settings.FORM_RENDERER = renderer
        response = send()
        assert response.status_code in (200, 422)
        pages.append(without_tokens(response.content.decode()))
    return pages[0], pages[1]


@pytest.mark.django_db
def test_every_pathway_step_is_the_same_page_either_way(client, coordinator, settings):
    case = make_case(**STAGE_IV)
    client.force_login(coordinator)
    radios = 0
    for step in STEPS:
        url = f"/cases/{case.public_id}/pathway/{step.slug}/"
        ours, templates = both_ways(settings, lambda url=url: client.get(url))
        assert ours == templates, step.slug
        radios += ours.count('class="yes-no-unknown"')
        if step.fields:  # refused values: every field's errors, the invalid classes, what was typed
            junk = {name: "not a value" for name in step.fields} | {"version": str(case.version)}
            ours, templates = both_ways(settings, lambda url=url, junk=junk: client.post(url, junk))
            assert ours == templates, step.slug
            assert "invalid-feedback" in ours
    assert radios > 5


@pytest.mark.django_db
def test_the_meeting_page_is_the_same_page_either_way(client, chair, settings):
    meeting = make_meeting(chair)
    add_item(meeting, make_case(**STAGE_IV))
    make_case(status=CaseStatus.READY, **STAGE_IV_COMPLETE)  # offered to the agenda: the case radios
    client.force_login(chair)
    ours, templates = both_ways(settings, lambda: client.get(meeting.get_absolute_url()))
    assert ours == templates
    assert 'class="mb-3 field"' in ours and 'class="case-choices"' in ours
