"""The unit page's trend chart: every round of the chosen year on the x axis (a round without
checklists yet is an empty slot, labelled), shares 0–100 % on a labelled y axis. Round 0 (figures
of student-level meetings, which belong to no round) is never a slot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: y axis ticks (percent)
TICKS = (0, 25, 50, 75, 100)
ROUNDS_IN_YEAR = 5


@dataclass(frozen=True)
class Slot:
    round: int
    committed_pct: float | None
    progressing_pct: float | None
    students_checked: int

    @property
    def has_data(self) -> bool:
        return self.students_checked > 0


def trend_slots(trends: list[dict[str, Any]], year: str, rounds_in_year: int = ROUNDS_IN_YEAR) -> list[Slot]:
    """Rounds 1..N of ``year`` (N grows when the figures have a later round), each with its shares."""
    of_year = {t["round"]: t for t in trends if t["academic_year"] == year and t["round"] > 0}
    last = max([rounds_in_year, *of_year])
    return [Slot(r, of_year.get(r, {}).get("committed_pct"), of_year.get(r, {}).get("progressing_pct"),
                 of_year.get(r, {}).get("students_checked", 0)) for r in range(1, last + 1)]


def selectable_rounds(periods: list[dict[str, Any]], year: str, chosen: int,
                      rounds_in_year: int = ROUNDS_IN_YEAR) -> list[int]:
    """The round selector's choices: 1..N and any later round with figures; never round 0."""
    seen = {p["round"] for p in periods if p["academic_year"] == year}
    return sorted(r for r in seen | set(range(1, rounds_in_year + 1)) | {chosen} if r > 0)
