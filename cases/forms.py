"""The one way the app renders forms: Django's form renderer with the project's templates.

`{{ form }}` renders templates/forms/form.html, `{{ form.field.as_field_group }}` templates/forms/field.html
(or the field's own `template_name`, e.g. forms/field_in_table.html for a cell whose column or row header
names it). Every widget gets Bootstrap's class for its kind here, once, instead of in each form.

Chosen over django-crispy-forms by measurement (docs/architecture.md): crispy rendered the largest
pathway step 1.3-1.8 times and meeting mode's decision form 2.8 times slower than these templates, and the
decision panel is re-rendered on the shared screen at every save.
"""

import html
from decimal import Decimal
from functools import partial

from django import forms, template
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.template import TemplateDoesNotExist
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from cases.numbers import NumberError, parse_number, plain_number

# Free text from this many characters up gets a live counter under its field (and every textarea does).
COUNTED_FROM = 300


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
    """A bound field whose widget carries Bootstrap's class, and `is-invalid` when the field has errors.

    It also drops the `maxlength` Django puts on text inputs: a browser silently cuts a longer paste at the
    limit (a signed plan ended mid-word), so the limit is the server's, with a clear message and the text
    kept, and a counter (`char_limit`, static/js/app.js) shows it while typing.
    """

    @property
    def char_limit(self) -> int | None:
        """Return the length limit a counter shows under this field, or None for short or limitless fields."""
        limit = getattr(self.field, "max_length", None)
        widget = self.field.widget
        if (
            not limit
            or not isinstance(widget, forms.Textarea | forms.TextInput)
            or isinstance(widget, forms.HiddenInput)
        ):
            return None
        return limit if isinstance(widget, forms.Textarea) or limit >= COUNTED_FROM else None

    @property
    def typed_length(self) -> int:
        """Return the length of the field's current text as the server counts it (line breaks as one)."""
        value = self.value()
        return len(normalise_newlines(str(value))) if value else 0

    @property
    def chars_over(self) -> int:
        """Return how many characters the current text has beyond the limit (0 when it fits)."""
        return max(0, self.typed_length - (self.char_limit or self.typed_length))

    # The condition a conditional question is asked under and the values a derived answer follows from
    # (cases/pathways/forms.py sets them on its fields): "" for any other field. Read here, not as
    # field.field.asked_when in the template, where each missing attribute cost the engine a dir() of the field.
    @property
    def asked_when(self) -> str:
        return getattr(self.field, "asked_when", "")

    @property
    def derived_from(self) -> str:
        return getattr(self.field, "derived_from", "")

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if "maxlength" in widget.attrs or "maxlength" in attrs:
            attrs["maxlength"] = False  # Django's attrs template leaves out an attribute whose value is False
        if self.char_limit:
            attrs["aria-describedby"] = " ".join(
                filter(None, [attrs.get("aria-describedby", ""), f"{self.auto_id}_count"])
            )
        classes = (attrs.get("class") or widget.attrs.get("class", "")).split()
        base = bootstrap_class(widget)
        if base and base not in classes:
            classes.insert(0, base)
        if self.errors and base:
            classes.append("is-invalid")
        if classes:
            attrs["class"] = " ".join(classes)
        return attrs


def shown(value) -> str:
    """Return VALUE as the template engine shows `{{ value }}`: localised, escaped unless already safe (the markup
    written in Python here and by the template tags that stand in for a template)."""
    if type(value) is str:
        # The usual value, the quick way: localising leaves a str as it is, and escaping it is html.escape, as in
        # django.utils.html.escape, without the checks for lazy and safe strings (a safe string is not a str here).
        return SafeString(html.escape(value))
    return conditional_escape(localize(value))


def _formatted(value) -> str:
    """Return VALUE as the template engine shows `{{ value|stringformat:'s' }}` (a safe value stays unescaped)."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def flat_attrs(attrs: dict) -> SafeString:
    """Return ATTRS as Django's django/forms/widgets/attrs.html writes them: ` name="value"` each, the name
    alone for True, nothing for False."""
    return mark_safe(  # noqa: S308 (every name and value escaped as the template escapes them)
        "".join(
            f" {shown(name)}" if value is True else f' {shown(name)}="{_formatted(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{shown(widget["type"])}" name="{shown(widget["name"])}"{value}{flat_attrs(widget["attrs"])}>'


def _option(widget: dict) -> str:
    label = shown(widget["label"])
    return f'<option value="{_formatted(widget["value"])}"{flat_attrs(widget["attrs"])}>{label}</option>\n'


def _select(widget: dict) -> str:
    parts = [f'<select name="{shown(widget["name"])}"{flat_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{shown(group_name)}">')
        for option in group_choices:
            parts.append(f"\n  {WIDGETS[option['template_name']](option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_INPUT = "django/forms/widgets/input.html"
# Django's own widget templates whose few lines are written here in Python, with the same output: the template
# engine spent as long on these includes (an input and its attributes) as on the rest of a form's field, and a
# page has dozens. Each is used only while the template the renderer would load is Django's own (an override in
# templates/ wins, see FormRenderer.render); tests/test_form_rendering.py compares both ways on every widget.
WIDGETS = {
    _INPUT: _input,
    **{
        f"django/forms/widgets/{kind}.html": _input
        for kind in ("text", "hidden", "checkbox", "date", "search", "email", "password", "number", "url")
    },
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/select_option.html": _option,
}


def errors_markup(field) -> str:
    """Write templates/forms/field_errors.html."""
    if not field.errors:
        return ""
    messages = "<br>".join(f"<strong>{shown(error)}</strong>" for error in field.errors)
    return f'<div class="invalid-feedback d-block" id="{shown(field.auto_id)}_error">{messages}</div>'


def char_count_markup(field) -> str:
    """Write templates/forms/char_count.html."""
    auto_id, limit, over = shown(field.auto_id), shown(field.char_limit), field.chars_over
    return (
        f'\n<div class="form-text char-count{" char-count-over" if over else ""}" id="{auto_id}_count" '
        f'data-count-for="{auto_id}" data-limit="{limit}"><span data-count>{shown(field.typed_length)}</span> / '
        f"{limit} characters<span data-count-over>{f': {shown(over)} too many' if over else ''}</span></div>\n"
    )


def _field_group(field) -> str:
    """Write templates/forms/field.html for the bound FIELD (the template stays the reference: FIELD_TEMPLATES)."""
    auto_id, asked, derived = shown(field.auto_id), field.asked_when, field.derived_from
    parts = [f'\n<div class="mb-3 field" id="div_{auto_id}"']
    if asked:
        parts.append(f' data-asked-when="{shown(asked)}"')
    if derived:
        parts.append(f' data-derived-from="{shown(derived)}"')
    parts.append(">\n")
    label, fieldset = shown(field.label), field.use_fieldset
    if field.widget_type == "checkbox":
        for_id = shown(field.id_for_label)
        parts.append(f'<div class="form-check">{field} <label class="form-check-label" for="{for_id}">')
        parts.append(f"{label}</label></div>\n")
    elif fieldset:
        described = field.aria_describedby
        parts.append(f'<fieldset aria-describedby="{shown(described)}">\n' if described else "<fieldset>\n")
        parts.append(f'  <legend class="form-label fs-6 mb-1">{label}</legend>\n  {field}\n')
    else:
        parts.append(f'<label class="form-label" for="{shown(field.id_for_label)}">{label}</label>\n  {field}\n')
    parts.append(f"\n  {errors_markup(field)}\n\n")
    parts.append(f"  {char_count_markup(field) if field.char_limit else ''}\n")
    if derived:
        note = "Set from the value and the upper limit of normal above."
        parts.append(f'  <div class="form-text derived-note" data-derived-note hidden>{note}</div>\n')
    else:
        parts.append("  \n")
    help_text = field.help_text
    help_html = f'<div class="form-text" id="{auto_id}_helptext">{shown(help_text)}</div>' if help_text else ""
    parts.append(f"  {help_html}\n{'</fieldset>' if fieldset else ''}\n</div>\n")
    return "".join(parts)


def _choices(css: str, option_css: str, input_type: str | None, widget: dict) -> str:
    """Write the project's radio groups (pathways/widgets/yes_no_unknown.html, meetings/widgets/case_choices.html):
    a div of CSS holding one OPTION_CSS div per option (its input of INPUT_TYPE, or the option's own, and label)."""
    parts = [f'\n<div id="{shown(widget["attrs"].get("id", ""))}" class="{css}">']
    for _group, options, _index in widget["optgroups"]:
        for option in options:
            kind = shown(input_type or option["type"])
            parts.append(
                f'\n  <div class="{option_css}">\n    <input type="{kind}" name="{shown(option["name"])}" '
                f'value="{_formatted(option["value"])}" class="form-check-input"{flat_attrs(option["attrs"])}>\n'
                f'    <label class="form-check-label" for="{shown(option["attrs"].get("id", ""))}">'
                f"{shown(option['label'])}</label>\n  </div>"
            )
    parts.append("\n</div>\n")
    return "".join(parts)


# The project's own widget templates written in Python too (a pathway step has up to a dozen radio groups).
PROJECT_WIDGETS = {
    "pathways/widgets/yes_no_unknown.html": partial(_choices, "yes-no-unknown", "form-check form-check-inline", None),
    "meetings/widgets/case_choices.html": partial(_choices, "case-choices", "form-check", "radio"),
}


# The project's field template, written in Python as the widgets are (a page's fields took a third of a pathway
# step's rendering); the template stays the reference, and tests/test_form_rendering.py compares both ways.
FIELD_TEMPLATES = {"forms/field.html": _field_group}


def _templates_of(template_name: str, widget: dict) -> set[str]:
    """Return the templates rendering WIDGET with TEMPLATE_NAME would use: a select's options' too."""
    options = (option for _, group, _ in widget.get("optgroups", ()) for option in group)
    return {template_name, *(option["template_name"] for option in options)}


class FormRenderer(TemplatesSetting):
    """Django's renderer with the project's form and field templates (and its widget templates, which
    TemplatesSetting finds in templates/ before Django's own); Django's simplest widget templates written in
    Python (WIDGETS)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = BootstrapBoundField
    use_python = True  # False: every template rendered by the template engine (the reference the tests compare)

    def render(self, template_name, context, request=None):
        if template_name in FIELD_TEMPLATES and self.use_python:
            return mark_safe(FIELD_TEMPLATES[template_name](context["field"]).strip())  # noqa: S308 (escaped)
        if template_name in PROJECT_WIDGETS and self.use_python:
            return mark_safe(PROJECT_WIDGETS[template_name](context["widget"]).strip())  # noqa: S308 (escaped)
        write = WIDGETS.get(template_name) if self.use_python else None
        if write is not None and all(map(self._is_djangos, _templates_of(template_name, context["widget"]))):
            # Stripped as the base class strips a template's output; every value escaped as the template does.
            return mark_safe(write(context["widget"]).strip())  # noqa: S308
        return super().render(template_name, context, request=request)

    def _is_djangos(self, template_name: str) -> bool:
        """Return whether TEMPLATE_NAME is one of WIDGETS and would load Django's own template (no override)."""
        if template_name not in WIDGETS:
            return False
        known = self.__dict__.setdefault("_origins", {})
        if template_name not in known:
            try:
                origin = self.get_template(template_name).origin.name
            except TemplateDoesNotExist:
                origin = ""
            known[template_name] = origin.endswith(f"django/forms/templates/{template_name}")
        return known[template_name]


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

    def format_value(self, value):
        # A stored 100.0 shows as "100", never "1E+2"; what was typed (a string) is shown as typed.
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return plain_number(value)
        return super().format_value(value)


def _named(label, message: str) -> str:
    """Return MESSAGE as a sentence prefixed with the field's LABEL, so a list of errors says which field
    each is about."""
    sentence = message if message.endswith(".") else f"{message}."
    return f"{label}: {sentence[:1].lower()}{sentence[1:]}" if label else sentence


class NumberField(forms.Field):
    """A number typed as people type it (cases.numbers): comma or point, nothing ambiguous.

    Returns an int (`whole`) or a Decimal with at most `decimal_places` decimals; every message names the
    field and, for what cannot be read as a number, what is allowed (`allowed`, e.g. "more than 0 up to 30").
    """

    def __init__(self, *, whole: bool = False, decimal_places: int | None = None, allowed: str = "", **kwargs):
        self.whole = whole
        self.decimal_places = decimal_places
        self.allowed = allowed
        kwargs.setdefault("widget", NumberTextInput(decimal=not whole))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            number = Decimal(value)
        else:
            try:
                number = parse_number(str(value))
            except NumberError as exc:
                raise ValidationError(self._with_allowed(exc.message), code=exc.code) from None
        if self.whole:
            if number != number.to_integral_value():
                raise ValidationError(
                    self._with_allowed(f"{plain_number(number)} is not a whole number"), code="not_whole"
                )
            return int(number)
        places = max(0, -number.normalize().as_tuple().exponent)
        if self.decimal_places is not None and places > self.decimal_places:
            most = "no decimals" if self.decimal_places == 0 else f"at most {self.decimal_places} decimal"
            plural = "s" if self.decimal_places > 1 else ""
            raise ValidationError(
                f"{plain_number(number)} has {places} decimals: type {most}{plural}", code="decimal_places"
            )
        return number

    def _with_allowed(self, message: str) -> str:
        return f"{message} ({self.allowed})" if self.allowed else message

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError as exc:
            raise ValidationError(
                [
                    # Format the params first: a message may hold a "%" of its own ("0 to 100 %").
                    ValidationError(
                        _named(self.label, error.message % error.params if error.params else error.message),
                        code=error.code,
                    )
                    for error in exc.error_list
                ]
            ) from None


def normalise_newlines(text: str) -> str:
    """Return TEXT with every line break as one character, as the browser counts it while typing."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class FreeTextField(forms.CharField):
    """Free text with a limit the server enforces: a longer text is refused with a message saying by how
    much, and stays in the field (never cut by the browser; BootstrapBoundField drops `maxlength`)."""

    def to_python(self, value):
        text = super().to_python(value)
        return normalise_newlines(text) if text else text

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except ValidationError as exc:
            messages = []
            for error in exc.error_list:
                if error.code == "max_length" and self.max_length is not None:
                    over = len(value) - self.max_length
                    messages.append(
                        ValidationError(
                            _named(
                                self.label,
                                f"{len(value):,} characters, {over:,} more than the {self.max_length:,} allowed. "
                                "Shorten it: nothing was saved, and your text is still in the field",
                            ),
                            code="max_length",
                        )
                    )
                else:
                    messages.append(error)
            raise ValidationError(messages) from None


# `{% load forms %}` (registered in settings.TEMPLATES, as this module belongs to no app), then
# `{{ option.attrs|flat_attrs }}` in the project's own widget templates, where they had included
# django/forms/widgets/attrs.html once per option.
register = template.Library()
register.filter("flat_attrs", flat_attrs, is_safe=True)
