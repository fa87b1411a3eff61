"""The one way the app renders forms: Django's form renderer with the project's templates.

`{{ form }}` renders templates/forms/form.html, `{{ form.field.as_field_group }}` templates/forms/field.html
(or the field's own `template_name`, e.g. forms/field_in_table.html for a cell whose column or row header
names it). Every widget gets Bootstrap's class for its kind here, once, instead of in each form.

Chosen over django-crispy-forms by measurement (docs/architecture.md): crispy rendered the largest
pathway step 1.3-1.8 times and meeting mode's decision form 2.8 times slower than these templates, and the
decision panel is re-rendered on the shared screen at every save.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


def bootstrap_class(widget: forms.Widget) -> str:
    """Return Bootstrap 5's class for WIDGET's control ("" where its template styles the options)."""
    if isinstance(widget, forms.HiddenInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return ""
    if isinstance(widget, forms.Select):
        return "form-select"
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    return "form-control"


class BootstrapBoundField(BoundField):
    """A bound field whose widget carries Bootstrap's class, and `is-invalid` when the field has errors."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        classes = (attrs.get("class") or widget.attrs.get("class", "")).split()
        base = bootstrap_class(widget)
        if base and base not in classes:
            classes.insert(0, base)
        if self.errors and base:
            classes.append("is-invalid")
        if classes:
            attrs["class"] = " ".join(classes)
        return attrs


class FormRenderer(TemplatesSetting):
    """Django's renderer with the project's form and field templates (and its widget templates, which
    TemplatesSetting finds in templates/ before Django's own)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = BootstrapBoundField


class DateInput(forms.DateInput):
    """The browser's date picker; the value goes back and forth as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class NumberTextInput(forms.TextInput):
    """A number typed as text (comma or point, parsed on the server): never type=number, whose browser
    checks differ from the server's and silently drop what they do not understand."""

    def __init__(self, attrs=None, *, decimal: bool = False):
        super().__init__({"inputmode": "decimal" if decimal else "numeric", **(attrs or {})})
