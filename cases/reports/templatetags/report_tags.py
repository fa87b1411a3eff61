"""Words for the printed record (no colours to rely on)."""

from django import template

from cases.meetings.models import Outcome
from cases.pathways.templatetags.pathway_tags import VERDICTS
from cases.specialties import Specialty

register = template.Library()


@register.filter
def verdict_label(verdict: str) -> str:
    return VERDICTS[str(verdict)][0]


@register.filter
def verdict_mark(verdict: str) -> str:
    """The verdict's symbol (✓ ? ✕), the one the screen shows, so it reads in black and white."""
    return VERDICTS[str(verdict)][1]


@register.filter
def outcome_label(outcome: str) -> str:
    return Outcome(outcome).label


@register.filter
def specialty_labels(specialties) -> str:
    """Join specialty codes as the words people read ("Medical oncology, Pathology")."""
    return ", ".join(Specialty(s).label for s in specialties)
