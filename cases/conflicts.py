"""What a person sees when someone else saved first (optimistic locking): who, when, and where the values
they typed differ from the stored ones. Shared by the pathway's steps and meeting mode's decisions; the
banner is templates/_conflict.html.
"""

from datetime import datetime
from typing import TypedDict


class Difference(TypedDict):
    label: str
    mine: str
    theirs: str


class Conflict(TypedDict):
    by: str
    at: datetime | None
    signed: bool
    differences: list[Difference]


def conflict(by: str, at: datetime | str | None, differences: list[Difference], *, signed: bool = False) -> Conflict:
    """Return the banner's content; AT may be an ISO 8601 string (as a step's save record keeps it)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return {"by": by, "at": at, "signed": signed, "differences": differences}


def carry(form, name: str, value) -> None:
    """Put VALUE into the bound FORM's data, so the next submit carries it (e.g. the version just shown:
    saving again is then a deliberate decision to replace the other person's values)."""
    data = form.data.copy()
    data[name] = value
    form.data = data
