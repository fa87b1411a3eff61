"""The board's figures on the page: a number that leads to its cases (for roles that may see them), shares and
minutes written out."""

from fractions import Fraction
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

register = template.Library()
_BASE = "board_cases_base"


def _cases_base(context) -> str | None:
    """The escaped address of the cases list with the period's query, built once per page (a quarter's page has
    four hundred links); None when the page offers no links (board_links)."""
    if not context.get("board_links"):
        return None
    base = context.render_context.get(_BASE)
    if base is None:
        period = context["figures"].period.key
        base = context.render_context[_BASE] = escape(f"{reverse('reports:board_cases')}?period={period}")
    return base


def _query(**parts) -> str:
    """PARTS as the escaped query string of a link (to follow the page's base and "&amp;")."""
    return escape(urlencode(parts))


def _linked(base: str | None, value, query: str) -> str:
    """VALUE escaped, as a link to the cases behind it (BASE, then QUERY from _query) when the page has links and
    there is something behind it."""
    if base is None or not value:
        return conditional_escape(value)
    return f'<a href="{base}&amp;{query}">{conditional_escape(value)}</a>'


@register.simple_tag(takes_context=True)
def figure(context, value, name: str, meeting=None, code: str = "", cause: str = "") -> str:
    """VALUE, linked to the list of the cases behind figure NAME when the page offers links (board_links)."""
    query = {"figure": name}
    if meeting is not None:
        query["meeting"] = meeting.public_id
    query |= {key: v for key, v in (("code", code), ("cause", cause)) if v}
    return mark_safe(_linked(_cases_base(context), value, _query(**query)))  # noqa: S308 (escaped by _linked)


# The figures counted per meeting in the table, with their part of a link's query.
MEETING_FIGURES = {name: _query(figure=name) for name in ("listed", "discussed", "deferred", "not_discussed", "ready")}


@register.simple_tag(takes_context=True)
def meeting_rows(context, rows: list) -> str:
    """The per-meeting table's rows (kpis.MeetingRow), each count linked like a figure: written as plain strings
    with each value escaped once and each meeting's part of the links built once, since a dozen template nodes
    and five figure tags per meeting were a fifth of the dashboard's time with a daily board's ninety meetings a
    quarter."""
    base = _cases_base(context)
    html = []
    for row in rows:
        c, meeting = row.counts, _query(meeting=row.meeting.public_id) if base else ""
        cell = {name: _linked(base, c[name], f"{query}&amp;{meeting}") for name, query in MEETING_FIGURES.items()}
        quorum = "Met" if row.quorum_met else "<strong>Not met</strong>"
        html.append(
            "\n      <tr>\n"
            f'        <th scope="row" class="fw-normal text-nowrap">'
            f"{escape(date_format(localtime(row.meeting.scheduled_at), 'D d M Y H:i'))}</th>\n"
            f'        <td class="text-end">{cell["listed"]}</td>\n'
            f'        <td class="text-end">{cell["discussed"]}</td>\n'
            f'        <td class="text-end">{cell["deferred"]}</td>\n'
            f'        <td class="text-end">{cell["not_discussed"]}</td>\n'
            f'        <td class="text-end">{cell["ready"]} of {conditional_escape(c["readiness_known"])}</td>\n'
            f"        <td>{quorum} ({row.quorum_present}/{row.quorum_required})</td>\n"
            f'        <td class="text-end">{escape(minutes(row.median_seconds))}</td>\n'
            "      </tr>\n    "
        )
    return mark_safe("".join(html))  # noqa: S308 (every value escaped above)


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
