"""The quorum rule: which core specialties (content: `active_quorum()`) are present at a meeting."""

from dataclasses import dataclass

from cases.meetings.models import Attendance
from cases.specialties import Specialty


@dataclass(frozen=True)
class Quorum:
    present: tuple[Specialty, ...]
    missing: tuple[Specialty, ...]

    @property
    def met(self) -> bool:
        return not self.missing


def quorum(attendances: list[Attendance], required: tuple[Specialty, ...]) -> Quorum:
    """Return which of the REQUIRED specialties have at least one member marked present."""
    here = {a.specialty for a in attendances if a.present}
    return Quorum(
        present=tuple(s for s in required if s in here),
        missing=tuple(s for s in required if s not in here),
    )
