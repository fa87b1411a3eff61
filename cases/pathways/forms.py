"""One form per pathway step, generated from the Case model's finding fields.

Single-field rules (type, range, allowed values) come from the model fields, whose ranges come from
the engine. Numbers are typed as text and parsed by cases.numbers (comma or point, nothing ambiguous).
Rules between fields (a margin needs a resected primary, no bilobar disease without liver lesions...)
are the engine's own cross-field checks, run on the case as it would be saved, so the form, the database
and `manage.py recommend` agree on what is valid; which questions are asked when is the engine's table
(engine/questions.py), and "raised" and "measured" follow from a recorded value by the engine's rules.

A value above a plausibility limit (content in the admin, PlausibilityLimit) is not saved until whoever
typed it confirms it, ticking a box that names the value: a typing error is never silently accepted.
"""

import copy
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db import models
from django.utils import timezone

from cases import dates
from cases.forms import DateInput, NumberField
from cases.numbers import plain_number
from cases.pathways.engine import FactsError, facts_from_dict
from cases.pathways.engine.facts import DONE_BY_VALUE, RAISED_BY_VALUE
from cases.pathways.engine.questions import QUESTIONS
from cases.pathways.models import PlausibilityLimit
from cases.pathways.steps import Step
from cases.patients.display import UNITS, label_of
from cases.patients.findings import FACT_OF_FIELD, FIELD_OF_FACT, FindingRange, case_facts, range_text
from cases.patients.models import Case

# Facts that are derived from a field rather than stored on their own.
FIELD_OF_FACT_WITH_ALIASES = {
    **FIELD_OF_FACT,
    "workup.echocardiogram": "echo_done",
    "workup.nt_probnp": "nt_probnp_pg_ml",
}
# Stored booleans a recorded value settles (engine/facts.py): flag field -> (value field, ULN field), and
# work-up field -> value field.
RAISED_FIELDS = {
    FIELD_OF_FACT[flag]: (FIELD_OF_FACT[value], FIELD_OF_FACT[uln]) for flag, (value, uln) in RAISED_BY_VALUE.items()
}
MEASURED_FIELDS = {
    FIELD_OF_FACT[item]: FIELD_OF_FACT[value] for item, value in DONE_BY_VALUE.items() if item in FIELD_OF_FACT
}
# Counted pairs where the first cannot plausibly exceed the second (positive nodes of those examined).
AT_MOST = {"positive_nodes": "nodes_examined"}


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


def _capitalised(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def finding_formfield(db_field: models.Field, **kwargs) -> forms.Field:
    """Return the form field for a finding: yes/no/unknown radios, a select with "Unknown", a date, or a number."""
    label, help_text = _capitalised(db_field.verbose_name), db_field.help_text
    if isinstance(db_field, models.BooleanField):
        return forms.NullBooleanField(label=label, help_text=help_text, required=False, widget=YesNoUnknown)
    if isinstance(db_field, models.DateField):
        return dates.DateField(label=label, help_text=help_text, required=False, widget=DateInput)
    if isinstance(db_field, models.DecimalField | models.IntegerField) and not db_field.choices:
        # Typed as text and parsed on the server: the server's messages are the ones users see, with or
        # without JavaScript, and "2,5" is 2.5 whatever the browser's locale.
        unit = UNITS.get(db_field.name)
        allowed = f"allowed: {range_text(db_field.name)}{f' {unit}' if unit else ''}, or empty if unknown"
        return NumberField(
            label=label,
            help_text=help_text,
            required=False,
            whole=isinstance(db_field, models.IntegerField),
            decimal_places=getattr(db_field, "decimal_places", None),
            allowed=allowed,
            # The engine's range, with its message naming what is allowed.
            validators=[v for v in db_field.validators if isinstance(v, FindingRange)],
        )
    field = db_field.formfield(**kwargs)
    field.label = label
    if isinstance(field, forms.TypedChoiceField):
        field.choices = [("", "Unknown"), *db_field.choices]
    return field


@dataclass(frozen=True)
class Unusual:
    """A typed value above its plausibility limit: saved only once the box naming it is ticked."""

    field: str
    token: str  # what the box posts: the field and the value as typed, so a changed value asks again
    message: str


class StepForm(forms.Form):
    """Base class of every step form: the findings plus the case version the form was loaded at.

    `check_plausibility` is False for the what-if preview, which saves nothing and so needs no confirmation.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, case: Case, step: Step, check_plausibility: bool = True, **kwargs):
        self.case = case
        self.step = step
        self.check_plausibility = check_plausibility
        self.unusual: list[Unusual] = []
        super().__init__(*args, **kwargs)

    def rows(self) -> list[list]:
        """Return the bound fields in the step's layout: a value with its unit and upper limit in one row."""
        return [[self[name] for name in row] for row in self.step.layout()]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        values = {name: cleaned.get(name) for name in self.step.fields}
        derive_settled_answers(values)
        cleaned.update(values)
        self._check_dates(values)
        errors = cross_field_errors(self.case, values)
        for field_name, message in errors:
            if field_name in self.step.fields:
                self.add_error(field_name, message)
            else:
                # The contradiction is with a finding on another step: name it above the form.
                self.add_error(None, f"{label_of(field_name)}: {message}" if field_name else message)
        if not self.errors and self.check_plausibility:
            self._check_plausibility(values)
        return cleaned

    def _check_dates(self, values: dict) -> None:
        """A finding's date is not in the future, nor before the patient was born."""
        today, born = timezone.localdate(), self.case.patient.date_of_birth
        for name in self.step.fields:
            day = values.get(name)
            if not isinstance(Case._meta.get_field(name), models.DateField) or day is None:
                continue
            if day > today:
                self.add_error(name, f"{label_of(name)}: cannot be in the future (today is {today:%d/%m/%Y}).")
            elif day < born:
                self.add_error(name, f"{label_of(name)}: cannot be before the date of birth ({born:%d/%m/%Y}).")

    def _check_plausibility(self, values: dict) -> None:
        """Hold back values beyond a plausibility limit until the box naming each one is ticked."""
        confirmed = set(self.data.getlist("confirm")) if hasattr(self.data, "getlist") else set()
        limits = PlausibilityLimit.objects.filter(field__in=self.step.fields)
        for limit in limits:
            value = values.get(limit.field)
            if value is None or value <= limit.warn_above or value == getattr(self.case, limit.field):
                continue  # within the limit, or the value saved before (confirmed then)
            shown = f"{plain_number(value)}{f' {UNITS[limit.field]}' if limit.field in UNITS else ''}"
            self._unusual(
                limit.field,
                f"{limit.field}={plain_number(value)}",
                f"{label_of(limit.field)}: {shown} is above {plain_number(limit.warn_above)}. {limit.reason}",
                confirmed,
            )
        for name, most in AT_MOST.items():
            value, bound = values.get(name), values.get(most, getattr(self.case, most))
            if value is None or bound is None or value <= bound:
                continue
            if (value, bound) == (getattr(self.case, name), getattr(self.case, most)):
                continue
            self._unusual(
                name,
                f"{name}={value}>{most}={bound}",
                f"{label_of(name)}: {value} is more than the {bound} {label_of(most).lower()}. Check both counts.",
                confirmed,
            )

    def _unusual(self, field: str, token: str, message: str, confirmed: set[str]) -> None:
        if token in confirmed:
            return
        self.unusual.append(Unusual(field, token, message))
        self.add_error(field, f"{message} Tick the box below to confirm it, or correct it.")

    def confirmed_note(self) -> str:
        """Return the confirmed unusual values in words, for the case's history ("" when none)."""
        tokens = set(self.data.getlist("confirm")) if hasattr(self.data, "getlist") else set()
        return "; ".join(sorted(tokens))[:100]


def derive_settled_answers(values: dict) -> None:
    """Fill in the answers that VALUES already settle, where left unknown (the engine's rules, engine/facts.py).

    "Raised" is the value above its upper limit of normal; "measured" is a recorded value. A contradicting
    answer is left as given: the engine's contradiction check refuses it with both values named.
    """
    for flag, (value_field, uln_field) in RAISED_FIELDS.items():
        if flag in values and values.get(flag) is None:
            value, uln = values.get(value_field), values.get(uln_field)
            if value is not None and uln is not None:
                values[flag] = value > uln
    for measured, value_field in MEASURED_FIELDS.items():
        if measured in values and values.get(measured) is None and values.get(value_field) is not None:
            values[measured] = True


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


def _asked_when(name: str, step: Step) -> str:
    """Return the conditions, on fields of the same step, under which FIELD NAME is asked ("peritoneal:yes")."""
    question = QUESTIONS.get(FACT_OF_FIELD.get(name, ""))
    if question is None:
        return ""
    on_step = [c for c in question.when if FIELD_OF_FACT.get(c.fact) in step.fields]
    return " ".join(f"{FIELD_OF_FACT[c.fact]}:{c.test}" for c in on_step)


def step_form_class(step: Step) -> type[StepForm]:
    """Return the form class for STEP (cached: the class depends only on the step)."""
    if step.slug not in _FORM_CLASSES:
        field_map = forms.fields_for_model(Case, fields=step.fields, formfield_callback=finding_formfield)
        in_rows = {name for row in step.rows for name in row}
        for name, field in field_map.items():
            question = QUESTIONS.get(FACT_OF_FIELD.get(name, ""))
            field.asked_when = _asked_when(name, step)
            # Said once per question in words (for pages without JavaScript); a row of a value with its unit
            # and upper limit follows the question that asks for it.
            if question is not None and field.asked_when and name not in in_rows:
                conditions = " and ".join(c.words for c in question.when)
                field.help_text = f"{field.help_text} Asked only when {conditions}.".strip()
            if name in RAISED_FIELDS and all(source in step.fields for source in RAISED_FIELDS[name]):
                field.derived_from = " ".join(RAISED_FIELDS[name])
        _FORM_CLASSES[step.slug] = type(f"{step.slug.title().replace('-', '')}Form", (StepForm,), dict(field_map))
    return _FORM_CLASSES[step.slug]


_FORM_CLASSES: dict[str, type[StepForm]] = {}


def initial_for(case: Case, step: Step) -> dict:
    """Return the form's initial data: the case's current values and version (numbers shown as typed)."""
    initial = {name: getattr(case, name) for name in step.fields}
    initial["version"] = case.version
    return {k: (plain_number(v) if isinstance(v, Decimal) else v) for k, v in initial.items()}


class ReadyForm(forms.Form):
    """The one-click confirmation that a case is ready for the board, for the findings version it was shown at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
