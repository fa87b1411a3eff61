"""Numbers as people type them: a comma or a point as the decimal separator, whatever the browser's locale.

Findings drive thresholds (T2 above 1 cm, RFA below 5 cm, transplant below 10 % Ki-67), so a number is taken
only when it can mean one thing. Refused, each with a message saying what to type instead:

- thousands separators ("1,234", "1.234", "1,234.5"): "1.234" is 1.234 in Berlin and 1234 in London;
- two separators ("1.2.3", "2,5.0");
- a unit typed in ("2.5 cm", "30%"): the label gives the unit, and "2.5 mm" must not become 2.5 cm;
- spaces inside ("2 5", "1 234"), letters, exponents ("1e3").

Parsing never depends on the locale or on the browser: inputs are text (never type=number, which Chromium
empties when it does not understand the value, so "2,5" reached the server as "" or "25").
"""

import re
from decimal import Decimal, InvalidOperation

# One optional sign, digits with at most one separator, or a separator then digits (",5").
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)", re.ASCII)
# A number followed by something that is not part of a number: a unit ("cm", "%", "pg/mL").
_WITH_UNIT = re.compile(r"([+-]?[0-9.,]*[0-9][0-9.,]*)\s*([^\s0-9.,+-].*)", re.ASCII | re.DOTALL)
# One separator followed by exactly three digits after a non-zero whole part: a thousands separator?
_THOUSANDS = re.compile(r"[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}", re.ASCII)


class NumberError(ValueError):
    """The text is not one unambiguous number; ``message`` says why and what to type instead."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_number(text: str) -> Decimal:
    """Return the number TEXT means, or raise NumberError (code and message) when it is not exactly one.

    Leading and trailing spaces are ignored; everything else must be part of the number.
    """
    typed = text.strip()
    if _NUMBER.fullmatch(typed):
        if _THOUSANDS.fullmatch(typed):
            whole, _, fraction = typed.replace(",", ".").partition(".")
            raise NumberError(
                "ambiguous",
                f"“{typed}” is ambiguous ({whole}{fraction} with a thousands separator, or {whole}.{fraction}?): "
                "type whole numbers without a thousands separator",
            )
        try:
            return Decimal(typed.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern only lets decimals through
            raise NumberError("invalid", f"“{typed}” is not a number") from None
    if not typed:
        raise NumberError("invalid", "Type a number")
    separators = sum(typed.count(mark) for mark in ".,")
    if re.fullmatch(r"[+-]?[0-9.,]+", typed, re.ASCII) and separators > 1:
        raise NumberError(
            "two_separators",
            f"“{typed}” has {separators} separators: use one decimal separator (a comma or a point) and no "
            "thousands separator",
        )
    if re.fullmatch(r"[+-]?[0-9.,]+(?:\s+[0-9.,]+)+", typed, re.ASCII):
        raise NumberError("space", f"“{typed}” has a space inside: type the number without spaces")
    if re.fullmatch(r"[+-]?[0-9]*[.,]?[0-9]+[eE][+-]?[0-9]+", typed, re.ASCII):
        raise NumberError("exponent", f"“{typed}” is written with an exponent: type the number in full")
    unit = _WITH_UNIT.fullmatch(typed)
    if unit and _NUMBER.fullmatch(unit.group(1)):
        raise NumberError("unit", f"“{typed}” has “{unit.group(2).strip()}” typed in: type the number only")
    raise NumberError("invalid", f"“{typed}” is not a number")


def plain_number(value: Decimal | int | float) -> str:
    """Return VALUE as people write it: 100 not 1E+2 or 100.0, 2.5 not 2.50."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text
