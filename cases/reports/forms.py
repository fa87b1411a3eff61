"""Forms of the reports app: recording that a letter was sent, and the board figures' period and drill-down."""

import re
from datetime import date

from django import forms

from cases.dates import EARLIEST, LATEST
from cases.forms import FreeTextField
from cases.meetings.models import DepartureCause
from cases.reports.kpis import FIGURES, OPTION, Period, quarter, quarter_of, year
from cases.reports.models import SendingMethod


class LetterSentForm(forms.Form):
    """How a letter went out (post, secure e-mail, printed) and an optional note (e.g. the address used)."""

    method = forms.ChoiceField(
        label="How it was sent",
        choices=SendingMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "How it was sent: choose post, secure e-mail or printed."},
    )
    note = FreeTextField(label="Note", max_length=300, required=False)


PERIOD_FORMAT = re.compile(r"^([0-9]{4})(?:-Q([1-4]))?$")
PERIOD_HELP = "a quarter like 2026-Q3 or a year like 2026"


class BoardPeriodForm(forms.Form):
    """The period of the board's figures (a quarter by default), parsed from the query string."""

    period = forms.CharField(
        required=False,
        max_length=20,
        help_text=f"Enter {PERIOD_HELP}.",
        error_messages={"max_length": f"Period: enter {PERIOD_HELP}."},
    )

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_period(self) -> Period:
        text = self.cleaned_data["period"].strip().upper()
        if not text:
            return quarter_of(self.today)
        match = PERIOD_FORMAT.match(text)
        if not match or not EARLIEST.year <= int(match[1]) <= LATEST.year:
            raise forms.ValidationError(
                f"Period: enter {PERIOD_HELP} (years {EARLIEST.year} to {LATEST.year}).", code="invalid"
            )
        return quarter(int(match[1]), int(match[2])) if match[2] else year(int(match[1]))


class BoardCasesForm(BoardPeriodForm):
    """Which figure's cases to list: the figure (the cases listed unless given), and optionally one meeting, one
    option or one reason."""

    figure = forms.ChoiceField(choices=[(name, label) for name, (label, _) in FIGURES.items()], required=False)
    meeting = forms.UUIDField(required=False)
    code = forms.RegexField(regex=r"^[a-z0-9_]{1,64}$", required=False, max_length=64)
    cause = forms.ChoiceField(choices=[("", ""), *DepartureCause.choices], required=False)
    error_messages = {
        "figure": f"Figure: choose one of {', '.join(FIGURES)}.",
        "meeting": "Meeting: give a meeting's identifier (a UUID).",
        "code": "Option: give an option's code (lower-case letters, digits and underscores).",
        "cause": f"Reason: choose one of {', '.join(DepartureCause.values)}.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, message in self.error_messages.items():
            messages = {"required": message, "invalid": message, "invalid_choice": message}
            self.fields[name].error_messages.update(messages)

    def clean_figure(self) -> str:
        return self.cleaned_data["figure"] or "listed"

    def clean(self) -> dict:
        data = super().clean()
        option_only = data.get("code") or data.get("cause")
        if option_only and data.get("figure") not in OPTION:
            raise forms.ValidationError(f"Option and reason apply only to the figures {', '.join(OPTION)}.")
        return data
