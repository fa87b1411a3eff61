"""Template helpers for showing the engine's output: verdict badges, work-up labels and the editable texts."""

from functools import lru_cache

from django import template
from django.template.defaultfilters import first, join, linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from cases.forms import shown
from cases.links import ANY, link_maker
from cases.pathways.content import OptionText, PageContent, page_content
from cases.pathways.readiness import WORKUP_LABELS

register = template.Library()

# Words and symbols as well as colour, so the verdict reads in black and white and to colour-blind eyes.
VERDICTS = {
    "recommended": ("Recommended", "✓", "verdict-recommended"),
    "consider": ("Consider", "?", "verdict-consider"),
    "not_recommended": ("Not recommended", "✕", "verdict-not-recommended"),
}


@register.simple_tag
def verdict_badge(verdict) -> str:
    label, symbol, css = VERDICTS[str(verdict)]
    return format_html('<span class="verdict {}"><span aria-hidden="true">{}</span> {}</span>', css, symbol, label)


@register.filter
def workup_label(code: str) -> str:
    return WORKUP_LABELS.get(code, code)


@register.simple_tag(takes_context=True)
def option_text(context, rec) -> OptionText:
    """Return the editable title, summary and caveats of REC's option (the engine's title if none is stored)."""
    return _content(context).option(rec.code, rec.title)


@register.simple_tag(takes_context=True)
def step_help(context, step) -> str:
    """Return the editable help text of STEP (its built-in intro if none is stored)."""
    return _content(context).help_for(step)


@register.simple_tag(takes_context=True)
def option(context, rec) -> SafeString:
    """Write pathways/_option.html for REC with its editable texts, as `{% option_text rec as text %}` and an
    include of that template would, without the template engine: the panel has some twenty options and is on
    every pathway step, and they were half of the step's rendering. The template stays the reference (the
    admin's preview and a decision's stored options use it); tests/pathways/test_option_markup.py compares."""
    return write_option(rec, _content(context).option(rec.code, rec.title), bool(context.get("open")))


@lru_cache(maxsize=2048)
def write_option(rec, text: OptionText, is_open: bool = False) -> SafeString:
    """Return pathways/_option.html's markup for REC (an engine Recommendation) with TEXT, open or closed.

    Kept per process for the same three arguments: the markup is a function of them alone, and both are
    immutable (frozen dataclasses of strings and tuples), compared field by field. An edited text in the admin
    is another TEXT, so another entry; the same case shown again (the next step, meeting mode) is not written
    again.
    """

    why = rec.why or first(rec.reasons)
    parts = [
        f'\n<p class="option-head mb-0">{verdict_badge(rec.verdict)} <span class="rec-title">{shown(text.title)}</span>'
        f'</p>\n<p class="rec-why ms-3 mb-1" data-testid="why">{shown(why) if why else ""}</p>\n'
    ]
    if rec.to_confirm:
        items = "; ".join(shown(item.label) for item in rec.to_confirm)
        parts.append(
            '<p class="rec-confirm small ms-3 mb-1" data-testid="to-confirm"><span class="fw-semibold">To confirm:'
            f"</span> {items}</p>"
        )
    parts.append(f'\n<details class="ms-3"{" open" if is_open else ""}>\n')
    parts.append('  <summary class="small text-body-secondary">Reasons and sources</summary>\n  ')
    if text.summary:
        parts.append(f'<p class="rec-summary mb-1">{linebreaksbr(text.summary)}</p>')
    reasons = "".join(f"<li>{shown(reason)}</li>" for reason in rec.reasons[1:])
    parts.append(f'\n  <ul class="reasons">{reasons}</ul>\n  ')
    if text.caveats:
        parts.append(f'<p class="rec-caveats small mb-1"><strong>Caveats:</strong> {linebreaksbr(text.caveats)}</p>')
    parts.append("\n  ")
    if rec.citations:
        parts.append(f'<p class="citations">Sources: {join(rec.citations, "; ")}</p>')
    parts.append("\n</details>\n")
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped as the template escapes it)


def _content(context) -> PageContent:
    """Load the texts once per request; without a request (e.g. a PDF), once per rendering."""
    request = context.get("request")
    if request is not None:
        return page_content(request)
    content = getattr(context, "_sinen_page_content", None)
    if content is None:
        content = page_content()
        context._sinen_page_content = content
    return content


@register.simple_tag
def rail_entries(rail, case) -> SafeString:
    """Write pathways/_rail_entry.html for each entry of RAIL (cases.pathways.steps.rail) of CASE without the
    template engine: the rail is on every step page and every save's answer, and its eight entries with a
    reversed link each cost the engine as much as the rest of the step's form. The template stays the reference
    (tests/pathways/test_rail_markup.py compares them); the step's URL is reversed once for the rail (cases.links)."""
    url = link_maker("pathways:step", public_id=case.public_id, slug=ANY)
    parts = []
    for entry in rail:
        step = entry.step
        if entry.done:
            state = '<span aria-hidden="true">✓</span> done'
        elif entry.not_applicable:
            state = "not applicable"
        elif entry.unknown:
            state = f"{shown(entry.unknown)} unknown"
        else:
            state = "to do"
        parts.append(
            f'\n<li class="rail-{shown(entry.state)}{" rail-current" if entry.current else ""}">\n'
            f'<a href="{shown(url(step.slug))}"{' aria-current="step"' if entry.current else ""}>\n'
            f'<span class="rail-number">{shown(step.number)}</span>\n'
            f'<span class="rail-title">{shown(step.title)}</span>\n'
            f'<span class="rail-state">{state}</span>\n'
            "</a>\n</li>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped as the template escapes it)
