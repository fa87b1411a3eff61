"""Template helpers for decisions: outcome rows with departures marked, and a case's decision history."""

import unicodedata

from django import template
from django.template.defaultfilters import capfirst, truncatechars
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from cases.forms import char_count_markup, errors_markup, shown
from cases.meetings.models import Decision, Outcome, is_departure, is_quiet
from cases.pathways.templatetags.pathway_tags import option_text, verdict_badge
from cases.people import display_name_filter

register = template.Library()

# Words as well as colour, like the verdict badges.
OUTCOMES = {
    Outcome.ACCEPT: ("Accept", "outcome-accept"),
    Outcome.MODIFY: ("Modify", "outcome-modify"),
    Outcome.REJECT: ("Reject", "outcome-reject"),
}


@register.simple_tag
def outcome_badge(outcome: str) -> str:
    label, css = OUTCOMES[Outcome(outcome)]
    return format_html('<span class="outcome {}">{}</span>', css, label)


@register.filter
def outcome_rows(outcomes: list[dict]) -> dict:
    """Split stored outcomes into the ones worth reading and the engine-agreeing "not doing" ones.

    Returns {"shown": [...with "departure"], "quiet": [titles]}: an option the engine does not recommend
    and the board does not do is listed by title only, so the table shows what will be done and why.
    """
    shown, quiet = [], []
    for outcome in outcomes:
        if is_quiet(outcome["engine_verdict"], outcome["outcome"]):
            quiet.append(outcome["title"])
        else:
            shown.append({**outcome, "departure": is_departure(outcome["engine_verdict"], outcome["outcome"])})
    return {"shown": shown, "quiet": quiet}


@register.inclusion_tag("meetings/_case_decisions.html")
def case_decision_history(case) -> dict:
    """Every decision version recorded for CASE, newest meeting first, with the amendment chain."""
    decisions = (
        Decision.objects.filter(agenda_item__case=case)
        .select_related("agenda_item__meeting", "author", "signed_by", "amends")
        .order_by("-agenda_item__meeting__scheduled_at", "-version")
    )
    return {"decisions": list(decisions), "case": case}


@register.simple_tag
def options(choices, selected) -> str:
    """The <option>s of CHOICES (value, label) with the one whose value is SELECTED marked: the follow-up
    worklist writes its selects out, fifty rows of the same options, without the widget templates (plain
    strings, each value escaped once)."""
    selected = "" if selected is None else str(selected)
    return mark_safe(  # noqa: S308 (every value escaped here)
        "".join(
            f'<option value="{conditional_escape(value)}"{" selected" if str(value) == selected else ""}>'
            f"{conditional_escape(label)}</option>"
            for value, label in choices
        )
    )


# The agenda shows a case's question cut at this many characters (truncatechars).
QUESTION_CHARS = 140


def _question(text: str) -> str:
    """Return TEXT as `truncatechars:QUESTION_CHARS` does. A text no longer than that is never cut, only
    NFC-normalised (Truncator.chars), which spares most rows Truncator's walk through every character."""
    normalised = unicodedata.normalize("NFC", text)
    return normalised if len(normalised) <= QUESTION_CHARS else truncatechars(text, QUESTION_CHARS)


@register.simple_tag
def agenda_row(item, number: int, first: bool, last: bool, may_manage: bool, csrf_token) -> SafeString:
    """Write meetings/_agenda_row.html for ITEM without the template engine (the template is the reference,
    tests/meetings/test_agenda_rows.py compares them): a meeting page has up to a hundred rows, and the engine
    spent a third of the page's time on them."""
    patient, state = item.case.patient, item.readiness
    surname, public_id, token = shown(patient.family_name.upper()), shown(str(item.public_id)), shown(csrf_token)
    mark = '<span aria-hidden="true">✓</span> ' if state.is_ready else ""
    if not mark and state.is_flagged:
        mark = '<span aria-hidden="true">!</span> '
    missing = ""
    if state.missing:
        missing = (
            f'<ul class="readiness-list">{"".join(f"<li>{shown(label)}</li>" for label in state.missing_labels)}</ul>'
        )
    decision = "—"
    if item.decision_status:
        status, version = shown(item.decision_status), shown(item.decision_version)
        decision = (
            f'<a href="{shown(item.decision_url)}"><span class="badge decision-{status}">v{version} '
            f"{shown(capfirst(item.decision_status))}</span></a>"
        )
    parts = [
        f'\n<tr data-item="{public_id}"{' class="agenda-not-ready"' if state.is_flagged else ""}>\n'
        f'<td class="agenda-number">{shown(number)}</td>\n'
        f'<td><a href="{shown(item.present_url)}" class="fw-semibold">{surname}, {shown(patient.given_name)}</a>\n'
        f'<span class="text-body-secondary small">{shown(patient.hospital_number)} · {shown(item.age)}</span>\n'
        f'<div class="small agenda-question">{shown(_question(item.case.question))}</div></td>\n'
        f"<td>{shown(display_name_filter(item.presenter) or '—')}</td>\n"
        f'<td class="text-end">{shown(item.planned_minutes)}</td>\n'
        f'<td data-testid="readiness"><span class="badge readiness-badge readiness-{shown(state.state)}">{mark}'
        f"{shown(state.label)}</span>{missing}</td>\n"
        f"<td>{decision}</td>"
    ]
    if may_manage:
        move, hidden = shown(item.move_url), f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        button = (
            '<button type="submit" name="direction" value="{0}" class="btn btn-sm btn-outline-secondary" id="{0}-{1}"'
        )
        parts.append(
            f'\n<td class="text-nowrap"><form method="post" action="{move}" class="d-inline" hx-post="{move}" '
            f'hx-target="#agenda" hx-swap="outerHTML">{hidden}\n'
            f'{button.format("up", public_id)}{" disabled" if first else ""}><span aria-hidden="true">↑</span>'
            f'<span class="visually-hidden">Move {surname} up</span></button>\n'
            f'{button.format("down", public_id)}{" disabled" if last else ""}><span aria-hidden="true">↓</span>'
            f'<span class="visually-hidden">Move {surname} down</span></button></form>'
        )
        if not item.decision_status:
            remove = shown(item.remove_url)
            parts.append(
                f'\n<form method="post" action="{remove}" class="d-inline" hx-post="{remove}" hx-target="#agenda" '
                f'hx-swap="outerHTML">{hidden}<button type="submit" class="btn btn-sm btn-outline-danger">'
                '<span aria-hidden="true">✕</span><span class="visually-hidden">'
                f"Remove {surname} from the agenda</span></button></form>"
            )
        parts.append("</td>")
    parts.append("\n</tr>\n")
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped as the template escapes it)


@register.simple_tag
def agenda_rows(items, may_manage: bool, csrf_token) -> SafeString:
    """Write every row of the agenda (agenda_row, numbered from 1) in one tag: a tag per row made the template
    engine look up its six arguments and the CSRF token a hundred times a page."""
    token, last = str(csrf_token), len(items)
    return mark_safe(  # noqa: S308 (each row escaped by agenda_row)
        "".join(
            agenda_row(item, number, number == 1, number == last, may_manage, token)
            for number, item in enumerate(items, 1)
        )
    )


@register.simple_tag
def in_table(field) -> SafeString:
    """Write forms/field_in_table.html for the bound FIELD as `{{ field.as_field_group }}` does (its template_name
    is that template): meeting mode's decision form has some forty such fields, re-rendered at every save. A
    renderer that writes every template (the tests' reference, cases.forms.FormRenderer.use_python) gets the
    template, which stays the reference (tests/meetings/test_decision_form_markup.py compares them)."""
    if not getattr(field.form.renderer, "use_python", False):
        return field.as_field_group()
    label = shown(field.label)
    if field.use_fieldset:
        head, tail = f'<fieldset class="m-0"><legend class="visually-hidden">{label}</legend>', "</fieldset>"
    else:
        head, tail = f'<label class="visually-hidden" for="{shown(field.id_for_label)}">{label}</label>', ""
    count = char_count_markup(field) if field.char_limit else ""
    return mark_safe(f"{head}{field}{errors_markup(field)}{count}{tail}".strip())  # noqa: S308 (escaped as the template)


@register.simple_tag(takes_context=True)
def outcome_row(context, row: dict) -> SafeString:
    """Write meetings/_outcome_row.html for ROW of the decision form (DecisionForm.main_rows, other_rows) without
    the template engine, as agenda_row does for the agenda: some twenty rows at every save on the shared screen.
    The template stays the reference (tests/meetings/test_decision_form_markup.py compares them)."""
    rec, outcome, reason = row["rec"], row["outcome"], row["reason"]
    why = f'<div class="option-why">{shown(rec.why)}</div>' if rec.why else ""
    confirm = ""
    if rec.to_confirm:
        confirm = f'<div class="option-confirm">To confirm: {"; ".join(shown(c.label) for c in rec.to_confirm)}</div>'
    title = shown(option_text(context, rec).title)
    return mark_safe(  # noqa: S308 (every value escaped as the template escapes it)
        f'\n<tr data-code="{shown(rec.code)}" class="board-option-row'
        f'{" table-danger" if outcome.errors or reason.errors else ""}">\n'
        f'  <th scope="row" class="fw-normal">{verdict_badge(rec.verdict)} <span class="option-title">{title}</span>'
        f"{why}{confirm}</th>\n  <td>{in_table(outcome)}{in_table(reason)}</td>\n</tr>\n"
    )


@register.simple_tag
def agenda_jump(items, current) -> SafeString:
    """Write meetings/_agenda_jump.html, meeting mode's list of the agenda's cases with CURRENT marked, without the
    template engine (its reference: tests/meetings/test_decision_form_markup.py): up to a hundred lines at every
    case the board moves to."""
    lines = []
    for other in items:
        patient, status = other.case.patient, other.decision_status
        name = f"{shown(patient.family_name.upper())}, {shown(patient.given_name)}"
        lines.append(
            f"\n<li{' aria-current="step" class="current"' if other.pk == current.pk else ''}>"
            f'<a href="{shown(other.present_url)}">{name}</a>'
            f'\n<span id="agenda-decision-{shown(str(other.public_id))}" class="badge decision-{shown(status)}"'
            f"{'' if status else ' hidden'}>{shown(capfirst(status))}</span></li>"
        )
    return mark_safe(f'\n<ol class="agenda-jump-list">{"".join(lines)}\n</ol>\n')  # noqa: S308 (every value escaped)
