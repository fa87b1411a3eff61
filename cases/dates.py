"""Dates and times typed into forms: one plausible range for every field of the app, 1900 to 2200.

A date far outside it is a typo or an attack, never a real birth, referral, meeting or due date. Left
unchecked it also breaks things far from the form: 9999-12-31 23:59 in New York is the year 10000 in UTC,
and converting it for the database raised OverflowError (a 500). The range is checked on the date as
typed, before any time zone conversion, and it keeps every conversion (at most a day either way) far
from Python's limits of years 1 and 9999. Every date and date-time field of the app's forms and of the
admin uses these fields (tests/security/test_date_ranges.py walks them all).
"""

from datetime import date, datetime

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.db import models

EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
OUT_OF_RANGE = f"Enter a date between {EARLIEST:%d/%m/%Y} and {LATEST:%d/%m/%Y}."


def validate_plausible_date(value: date | datetime | None) -> None:
    """Raise ValidationError unless VALUE's calendar date (as typed, no time zone conversion) is in range."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range")


class DateField(forms.DateField):
    """A date between 1900 and 2200."""

    def to_python(self, value):
        day = super().to_python(value)
        validate_plausible_date(day)
        return day


class DateTimeField(forms.DateTimeField):
    """A date and time whose date is between 1900 and 2200.

    Django attaches the current time zone to the typed wall-clock time without converting it, so the
    date checked here is the one the user typed; only a value inside the range goes on to be compared
    with other times or stored (converted to UTC).
    """

    def to_python(self, value):
        moment = super().to_python(value)
        validate_plausible_date(moment)
        return moment


class SplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date and time pair, with the same range."""

    def compress(self, data_list):
        moment = super().compress(data_list)
        validate_plausible_date(moment)
        return moment


# For ModelAdmin.formfield_overrides: the admin's own widgets, with the bounded fields.
ADMIN_FORMFIELD_OVERRIDES = {
    models.DateField: {"form_class": DateField, "widget": admin_widgets.AdminDateWidget},
    models.DateTimeField: {"form_class": SplitDateTimeField, "widget": admin_widgets.AdminSplitDateTime},
}
