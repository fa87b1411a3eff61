"""Forms of the reports app: recording that a letter was sent."""

from django import forms

from cases.forms import FreeTextField
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
