"""One form per pathway step, generated from the Case model's finding fields.

Single-field rules (type, range, allowed values) come from the model fields, whose ranges come from
the engine. Rules between fields (a margin needs a resected primary, no bilobar disease without
liver lesions...) are the engine's own cross-field checks, run on the case as it would be saved, so
the form, the database and `manage.py recommend` agree on what is valid.
"""

import copy
from decimal import Decimal

from django import forms
from django.db import models
from django.utils import timezone

from cases.forms import NumberTextInput
from cases.pathways.engine import FactsError, facts_from_dict
from cases.pathways.steps import Step
from cases.patients.display import label_of
from cases.patients.findings import FIELD_OF_FACT, FindingRange, case_facts
from cases.patients.models import Case

# Facts that are derived from a field rather than stored on their own.
FIELD_OF_FACT_WITH_ALIASES = {
    **FIELD_OF_FACT,
    "workup.echocardiogram": "echo_done",
    "workup.nt_probnp": "nt_probnp_pg_ml",
}


class YesNoUnknown(forms.RadioSelect):
    """Three radio buttons; "Unknown" is a real answer (null), distinct from "No"."""

    template_name = "pathways/widgets/yes_no_unknown.html"
    CHOICES = [("true", "Yes"), ("false", "No"), ("unknown", "Unknown")]

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=self.CHOICES)

    def format_value(self, value):
        return [{True: "true", False: "false", "true": "true", "false": "false"}.get(value, "unknown")]

    def value_from_datadict(self, data, files, name):
        return {"true": True, "false": False}.get(data.get(name))


def finding_formfield(db_field: models.Field, **kwargs) -> forms.Field:
    """Return the form field for a finding: yes/no/unknown radios, a select with "Unknown", or a number."""
    if isinstance(db_field, models.BooleanField):
        return forms.NullBooleanField(
            label=db_field.verbose_name[:1].upper() + db_field.verbose_name[1:],
            help_text=db_field.help_text,
            required=False,
            widget=YesNoUnknown,
        )
    if isinstance(db_field, models.DecimalField | models.IntegerField) and not db_field.choices:
        # Typed as text: the server's messages are the ones users see, with or without JavaScript.
        kwargs["widget"] = NumberTextInput(decimal=isinstance(db_field, models.DecimalField))
    field = db_field.formfield(**kwargs)
    field.label = field.label[:1].upper() + field.label[1:]
    if isinstance(field, forms.TypedChoiceField):
        field.choices = [("", "Unknown"), *db_field.choices]
    elif isinstance(field, forms.DecimalField | forms.IntegerField):
        # The engine's range, with its message naming what is allowed (formfield() leaves model validators out).
        field.validators.extend(v for v in db_field.validators if isinstance(v, FindingRange))
    return field


class StepForm(forms.Form):
    """Base class of every step form: the findings plus the case version the form was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, case: Case, step: Step, **kwargs):
        self.case = case
        self.step = step
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        errors = cross_field_errors(self.case, {name: cleaned.get(name) for name in self.step.fields})
        for field_name, message in errors:
            if field_name in self.step.fields:
                self.add_error(field_name, message)
            else:
                # The contradiction is with a finding on another step: name it above the form.
                self.add_error(None, f"{label_of(field_name)}: {message}" if field_name else message)
        return cleaned


def cross_field_errors(case: Case, values: dict) -> list[tuple[str | None, str]]:
    """Return (field, message) for contradictions the case would contain with VALUES applied."""
    candidate = copy.copy(case)
    for name, value in values.items():
        setattr(candidate, name, value)
    try:
        facts_from_dict(case_facts(candidate, timezone.localdate()))
    except FactsError as exc:
        return [_humanise(error) for error in exc.errors]
    return []


def _humanise(error: str) -> tuple[str | None, str]:
    """Turn 'liver.bilobar: cannot be true when liver.lesions is 0' into (field, sentence with labels)."""
    path, _, message = error.partition(": ")
    for fact, name in sorted(FIELD_OF_FACT_WITH_ALIASES.items(), key=lambda item: -len(item[0])):
        message = message.replace(fact, f"“{label_of(name)}”")
    message = message[:1].upper() + message[1:] + "."
    return FIELD_OF_FACT_WITH_ALIASES.get(path), message


def step_form_class(step: Step) -> type[StepForm]:
    """Return the form class for STEP (cached: the class depends only on the step)."""
    if step.slug not in _FORM_CLASSES:
        field_map = forms.fields_for_model(Case, fields=step.fields, formfield_callback=finding_formfield)
        _FORM_CLASSES[step.slug] = type(f"{step.slug.title().replace('-', '')}Form", (StepForm,), dict(field_map))
    return _FORM_CLASSES[step.slug]


_FORM_CLASSES: dict[str, type[StepForm]] = {}


def initial_for(case: Case, step: Step) -> dict:
    """Return the form's initial data: the case's current values and version."""
    initial = {name: getattr(case, name) for name in step.fields}
    initial["version"] = case.version
    return {k: (v.normalize() if isinstance(v, Decimal) else v) for k, v in initial.items()}
