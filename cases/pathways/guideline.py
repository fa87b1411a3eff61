"""Where the app gets the guideline content the engine and the meetings run with."""

from cases.meetings.specialties import DEFAULT_QUORUM, Specialty
from cases.pathways.engine import Guideline


def active_guideline() -> Guideline:
    """Return the guideline in force: the engine's built-in seed defaults until GuidelineVersion exists."""
    return Guideline()


def active_quorum() -> tuple[Specialty, ...]:
    """Return the core specialties a meeting needs present (content: editable once GuidelineVersion exists)."""
    return DEFAULT_QUORUM
