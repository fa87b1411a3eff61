"""The editable texts the pages show: recommendation titles, summaries and caveats, and pathway step help.

The engine's output is never changed: templates look the texts up by recommendation code or step slug,
falling back to the engine's built-in title and the step's built-in intro when a row is missing.

A page loads all texts with one query and keeps them for the rest of the request (also across the
partials an htmx answer renders), so the number of queries does not grow with the number of options or
cases shown. Nothing is cached across requests: an edit in the admin shows on the next page.
"""

from dataclasses import dataclass

from django.db.models import CharField, Value

from cases.pathways.engine.rules import TITLES
from cases.pathways.models import RecommendationText, StepHelp
from cases.pathways.steps import Step

_REQUEST_ATTRIBUTE = "_sinen_page_content"


@dataclass(frozen=True, slots=True)
class OptionText:
    """What the board sees for one option besides the engine's verdict and reasons."""

    title: str
    summary: str = ""
    caveats: str = ""


@dataclass(frozen=True, slots=True)
class PageContent:
    options: dict[str, OptionText]
    step_help: dict[str, str]

    def option(self, code: str, fallback_title: str) -> OptionText:
        return self.options.get(code) or OptionText(fallback_title)

    def help_for(self, step: Step) -> str:
        return self.step_help.get(step.slug) or step.intro


def load_page_content() -> PageContent:
    """Return every recommendation text and step help from the database, in one query."""
    # One UNION query instead of two: the step page's query budget has room for one content query.
    text = CharField()
    options = (
        RecommendationText.objects.order_by()
        .annotate(kind=Value("option", output_field=text))
        .values_list("kind", "code", "title", "summary", "caveats")
    )
    helps = (
        StepHelp.objects.order_by()
        .annotate(
            kind=Value("step", output_field=text),
            empty_title=Value("", output_field=text),
            empty_caveats=Value("", output_field=text),
        )
        .values_list("kind", "step", "empty_title", "text", "empty_caveats")
    )
    content = PageContent({}, {})
    for kind, key, title, body, caveats in options.union(helps, all=True):
        if kind == "option":
            content.options[key] = OptionText(title, body, caveats)
        else:
            content.step_help[key] = body
    return content


def page_content(request=None) -> PageContent:
    """Return the texts for this request, loading them on first use (no request: load every time)."""
    if request is None:
        return load_page_content()
    content = getattr(request, _REQUEST_ATTRIBUTE, None)
    if content is None:
        content = load_page_content()
        setattr(request, _REQUEST_ATTRIBUTE, content)
    return content


def option_titles(request=None) -> dict[str, str]:
    """Return every option's title as the board sees it: the editable text, else the engine's own."""
    content = page_content(request)
    return {code: content.option(code, title).title for code, title in TITLES.items()}
