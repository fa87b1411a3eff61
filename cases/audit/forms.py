"""Forms of the audit pages: the access log's filters and the second-factor code."""

from datetime import UTC, datetime, time

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from cases import dates
from cases.audit.models import AccessAction
from cases.forms import DateInput


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's length enforced.

    AuthenticationForm sets the field's max_length after the field is built, so no validator checks it:
    a 300-character username reached authenticate(), and django-axes' attempt record (255 characters)
    failed with a database error on PostgreSQL. Too long a name is now a form error, and nothing is tried.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class AccessLogFilterForm(forms.Form):
    """Filters of the access log (GET): who, what, which record, from and to which day (UTC)."""

    username = forms.CharField(label="User", max_length=150, required=False)
    action = forms.ChoiceField(label="Event", choices=[("", "Any"), *AccessAction.choices], required=False)
    object_id = forms.UUIDField(label="Record (UUID)", required=False)
    date_from = dates.DateField(label="From (UTC)", required=False, widget=DateInput)
    date_to = dates.DateField(label="To (UTC)", required=False, widget=DateInput)
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filter(self, entries):
        """Return ENTRIES narrowed by the filters (none when the filters are invalid: the page shows why)."""
        if not self.is_valid():
            return entries.none()
        data = self.cleaned_data
        if data["username"]:
            entries = entries.filter(username__iexact=data["username"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"])
        if data["date_from"]:
            entries = entries.filter(at__gte=datetime.combine(data["date_from"], time.min, tzinfo=UTC))
        if data["date_to"]:
            entries = entries.filter(at__lte=datetime.combine(data["date_to"], time.max, tzinfo=UTC))
        return entries

    def described(self) -> str:
        """The filters in words, for the export's own entry in the log."""
        if not self.is_valid():
            return ""
        parts = [f"{name}={value}" for name, value in self.cleaned_data.items() if value and name != "page"]
        return "filters: " + (", ".join(parts) if parts else "none")


class TokenForm(forms.Form):
    """A six-digit code from the authenticator app."""

    token = forms.RegexField(
        label="Code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": "Type the six digits your authenticator app shows."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()
