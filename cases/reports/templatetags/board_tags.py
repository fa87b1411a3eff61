"""The board's figures on the page: a number that leads to its cases (for roles that may see them), shares and
minutes written out."""

from fractions import Fraction
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()
_BASE = "board_cases_base"


@register.simple_tag(takes_context=True)
def figure(context, value, name: str, meeting=None, code: str = "", cause: str = "") -> str:
    """VALUE, linked to the list of the cases behind figure NAME when the page offers links (board_links)."""
    if not context.get("board_links") or not value:
        return format_html("{}", value)
    # The list's address and the period's part of the query, once per page (a page has a hundred links or more).
    base = context.render_context.get(_BASE)
    if base is None:
        period = context["figures"].period.key
        base = context.render_context[_BASE] = f"{reverse('reports:board_cases')}?period={period}"
    query = {"figure": name}
    if meeting is not None:
        query["meeting"] = meeting.public_id
    query |= {key: v for key, v in (("code", code), ("cause", cause)) if v}
    return format_html('<a href="{}&amp;{}">{}</a>', base, urlencode(query), value)


@register.filter
def percent(share: Fraction | None) -> str:
    """A share as a whole percentage; a dash when there is nothing to divide by."""
    return "—" if share is None else f"{round(100 * share)}%"


@register.filter
def share(part: int, whole: int) -> str:
    return percent(Fraction(part, whole) if whole else None)


@register.filter
def minutes(seconds: int | None) -> str:
    """Seconds as minutes with one decimal (3.5 min); a dash when not recorded."""
    return "—" if seconds is None else f"{seconds / 60:.1f} min"


@register.filter
def days(value: int | None) -> str:
    return "—" if value is None else f"{value} d"
