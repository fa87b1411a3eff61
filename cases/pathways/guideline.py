"""Where the app gets the guideline parameters the engine runs with."""

from cases.pathways.engine import Guideline


def active_guideline() -> Guideline:
    """Return the guideline in force: the engine's built-in seed defaults until GuidelineVersion exists."""
    return Guideline()
