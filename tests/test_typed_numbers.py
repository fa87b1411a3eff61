"""Numbers as people type them (cases/numbers.py, cases/forms.NumberField): a comma or a point, nothing
ambiguous, and every refusal says what to type instead."""

from decimal import Decimal

import pytest
from django import forms

from cases.forms import NumberField, NumberTextInput
from cases.numbers import NumberError, parse_number, plain_number


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("2,5", Decimal("2.5")),
        ("2.5", Decimal("2.5")),
        (" 2,5 ", Decimal("2.5")),
        ("12", Decimal("12")),
        (",5", Decimal("0.5")),
        ("0.125", Decimal("0.125")),  # no thousands reading: the whole part is 0
        ("1234.5", Decimal("1234.5")),
        ("-1", Decimal("-1")),  # read, then refused by the field's range
    ],
)
def test_it_reads_a_comma_or_a_point_as_the_decimal_separator(typed, number):
    assert parse_number(typed) == number


@pytest.mark.parametrize(
    ("typed", "code", "says"),
    [
        ("1,234", "ambiguous", "“1,234” is ambiguous (1234 with a thousands separator, or 1.234?)"),
        ("1.234", "ambiguous", "“1.234” is ambiguous"),
        ("12.500", "ambiguous", "type whole numbers without a thousands separator"),
        ("1,234.5", "two_separators", "“1,234.5” has 2 separators: use one decimal separator"),
        ("1.234,5", "two_separators", "a comma or a point"),
        ("1.2.3", "two_separators", "has 2 separators"),
        ("2.5 cm", "unit", "“2.5 cm” has “cm” typed in: type the number only"),
        ("2,5cm", "unit", "has “cm” typed in"),
        ("30%", "unit", "has “%” typed in"),
        ("180 pg/mL", "unit", "has “pg/mL” typed in"),
        ("2 5", "space", "“2 5” has a space inside"),
        ("1 234", "space", "has a space inside"),
        ("1e3", "exponent", "is written with an exponent"),
        ("many", "invalid", "“many” is not a number"),
        ("", "invalid", "Type a number"),
    ],
)
def test_it_refuses_what_could_mean_two_things_and_says_what_to_type(typed, code, says):
    with pytest.raises(NumberError) as refused:
        parse_number(typed)
    assert refused.value.code == code
    assert says in refused.value.message


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("1E+2"), "100"), (Decimal("100.0"), "100"), (Decimal("2.50"), "2.5"), (Decimal("0.0"), "0"), (7, "7")],
)
def test_a_number_is_shown_as_people_write_it(value, shown):
    assert plain_number(value) == shown


def test_the_text_input_shows_a_stored_100_as_100_not_1e2():
    assert NumberTextInput(decimal=True).format_value(Decimal("1E+2")) == "100"
    assert NumberTextInput(decimal=True).format_value("2,5") == "2,5"  # what was typed stays as typed


class SizeForm(forms.Form):
    size = NumberField(
        label="Primary tumour size (cm)", required=False, decimal_places=1, allowed="allowed: more than 0 up to 30"
    )
    count = NumberField(label="Positive lymph nodes", required=False, whole=True, allowed="allowed: 0 to 200")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"size": "2.5 cm"},
            "size",
            "Primary tumour size (cm): “2.5 cm” has “cm” typed in: type the number only "
            "(allowed: more than 0 up to 30).",
        ),
        ({"size": "1.234"}, "size", "Primary tumour size (cm): “1.234” is ambiguous"),
        ({"size": "2.25"}, "size", "Primary tumour size (cm): 2.25 has 2 decimals: type at most 1 decimal."),
        (
            {"count": "2,5"},
            "count",
            "Positive lymph nodes: 2.5 is not a whole number (allowed: 0 to 200).",
        ),
    ],
)
def test_a_refusal_names_the_field_and_what_is_allowed(data, field, message):
    form = SizeForm(data)
    assert not form.is_valid()
    assert any(error.startswith(message) for error in form.errors[field]), form.errors[field]


def test_a_message_with_a_percent_sign_in_it_is_not_formatted_again():
    form = SizeForm({"size": "5 %"})
    assert not form.is_valid()
    assert "has “%” typed in" in form.errors["size"][0]


def test_the_field_returns_decimals_and_counts_and_empty_is_unknown():
    form = SizeForm({"size": "2,5", "count": "12"})
    assert form.is_valid()
    assert form.cleaned_data == {"size": Decimal("2.5"), "count": 12}
    empty = SizeForm({"size": "  ", "count": ""})
    assert empty.is_valid()
    assert empty.cleaned_data == {"size": None, "count": None}
