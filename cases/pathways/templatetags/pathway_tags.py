"""Template helpers for showing the engine's output: verdict badges, work-up labels and the editable texts."""

from django import template
from django.utils.html import format_html

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
