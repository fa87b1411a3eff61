"""The editable texts the pages show: recommendation titles, summaries and caveats, and pathway step help.

The engine's output is never changed: templates look the texts up by recommendation code or step slug,
falling back to the engine's built-in title and the step's built-in intro when a row is missing.

A page loads all texts with one query and keeps them for the rest of the request (also across the
partials an htmx answer renders), so the number of queries does not grow with the number of options or
cases shown. Between requests the process keeps them while the content stamp holds (cases.pathways.kept), so
a page reads only the stamp; an edit in the admin still shows on the next page, in every process.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.db.models import CharField, Value

from cases.pathways.engine.rules import TITLES
from cases.pathways.kept import kept, stamp_column
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
    # Read-only: one PageContent serves every request of the process while it is kept.
    options: Mapping[str, OptionText]
    step_help: Mapping[str, str]

    def option(self, code: str, fallback_title: str) -> OptionText:
        return self.options.get(code) or OptionText(fallback_title)

    def help_for(self, step: Step) -> str:
        return self.step_help.get(step.slug) or step.intro


def load_page_content() -> PageContent:
    """Return every recommendation text and step help: as kept by the process, or from the database in one query."""
    return kept("page content", _load_page_content)


def _load_page_content() -> tuple[str | None, PageContent]:
    # One UNION query instead of two: the step page's query budget has room for one content query. Each row
    # carries the content stamp's token (the same in all), read in the same statement as the texts.
    text = CharField()
    options = (
        RecommendationText.objects.order_by()
        .annotate(kind=Value("option", output_field=text), token=stamp_column())
        .values_list("kind", "code", "title", "summary", "caveats", "token")
    )
    helps = (
        StepHelp.objects.order_by()
        .annotate(
            kind=Value("step", output_field=text),
            empty_title=Value("", output_field=text),
            empty_caveats=Value("", output_field=text),
            token=stamp_column(),
        )
        .values_list("kind", "step", "empty_title", "text", "empty_caveats", "token")
    )
    rows = list(options.union(helps, all=True))
    option_texts, step_help = {}, {}
    for kind, key, title, body, caveats, _token in rows:
        if kind == "option":
            option_texts[key] = OptionText(title, body, caveats)
        else:
            step_help[key] = body
    token = rows[0][5] if rows else None  # no rows: no token read, nothing kept
    return token, PageContent(MappingProxyType(option_texts), MappingProxyType(step_help))


def page_content(request=None) -> PageContent:
    """Return the texts for this request, loading them on first use (no request: load_page_content)."""
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
