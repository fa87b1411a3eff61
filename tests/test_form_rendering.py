"""The app's form renderer writes Django's simplest widget templates in Python (cases.forms.WIDGETS): the
markup must be exactly what Django's templates write, for every kind of widget and value, and a project's
own override of one of those templates must still win."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from cases.forms import WIDGETS, FormRenderer

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
    """The app's renderer with every widget rendered by its template: the reference."""

    def render(self, template_name, context, request=None):
        return TemplatesSetting.render(self, template_name, context, request=request)


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

    bound = Everything({"name": "x" * 30, "when": "not a date", "kind": "zz", "hidden": "1"})
    assert str(Everything(renderer=FormRenderer())) == str(Everything(renderer=TemplatesOnly()))
    assert bound.errors  # every field's errors and invalid classes rendered too
    again = Everything(bound.data, renderer=TemplatesOnly())
    assert str(Everything(bound.data, renderer=FormRenderer())) == str(again)


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
