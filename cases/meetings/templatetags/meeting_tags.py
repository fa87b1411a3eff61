"""Template helpers for decisions: outcome rows with departures marked, and a case's decision history."""

from django import template
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cases.meetings.models import Decision, Outcome, is_departure, is_quiet

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
            f'<option value="{escape(value)}"{" selected" if str(value) == selected else ""}>{escape(label)}</option>'
            for value, label in choices
        )
    )
