"""The plan as a person reads it: per unit a grid of groups × rounds, per person a week or a
month, and what is left for a person to decide. Pure: built from meetings, groups, the latest
plan's unplaced rounds and the misses people accepted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hoks_scheduler.domain.groups import Group
from hoks_scheduler.domain.meeting import Meeting
from hoks_scheduler.domain.rounds import group_meeting_id
from hoks_scheduler.domain.rules import RoundRules

#: A cell's state: planned (ahead), held (recorded by the meetings service), past (its day has
#: gone, not recorded held), cancelled, unplaced (a person decides), missed (a person accepted
#: the miss), none (no such round for this group this year).
PLANNED, HELD, PAST, CANCELLED, UNPLACED, MISSED, NONE = (
    "planned", "held", "past", "cancelled", "unplaced", "missed", "none")


@dataclass(frozen=True)
class Cell:
    round: int
    state: str
    meeting: Meeting | None = None
    reason: str | None = None

    @property
    def tentative(self) -> bool:
        return self.meeting is not None and any(s.tentative for s in self.meeting.seats)


@dataclass(frozen=True)
class GroupRow:
    group: Group
    rounds_in_year: int
    cells: tuple[Cell, ...]

    @property
    def planned(self) -> int:
        return sum(1 for c in self.cells if c.state in (PLANNED, HELD, PAST))

    @property
    def complete(self) -> bool:
        """Every round the group needs this year is planned or held."""
        return self.planned >= self.rounds_in_year


@dataclass(frozen=True)
class UnitGrid:
    unit_id: str
    rounds: int
    rows: tuple[GroupRow, ...]


@dataclass(frozen=True)
class Filters:
    counselor_oid: str | None = None
    theme: str | None = None


def _shown(row: GroupRow, filters: Filters) -> bool:
    if filters.counselor_oid and row.group.counselor_oid != filters.counselor_oid and not any(
            c.meeting and filters.counselor_oid in c.meeting.required_oids for c in row.cells):
        return False
    return not filters.theme or any(c.meeting and c.meeting.theme == filters.theme for c in row.cells)


def unit_grids(academic_year: str, groups: Iterable[Group], meetings: Iterable[Meeting],
               unplaced: Mapping[str, Mapping[str, Any]], missed: Mapping[str, Mapping[str, Any]], rules: RoundRules,
               today: date,
               filters: Filters = Filters()) -> list[UnitGrid]:
    """``unplaced``: meeting id → the plan report's item (reason, round, group); ``missed``:
    meeting id → the record of a miss a person accepted (group, round). A group's rounds this year are the configured number
    for its study type (``rules``), or as many as the plan made for a group active part of it."""
    by_group: dict[str, dict[int, Meeting]] = {}
    for m in meetings:
        if m.kind == "group" and m.group_id and m.round:
            by_group.setdefault(m.group_id, {})[m.round] = m
    unplaced_by_group: dict[str, dict[int, Mapping[str, Any]]] = {}
    for item in unplaced.values():
        unplaced_by_group.setdefault(item["group_id"], {})[int(item["round"])] = item
    missed_ids = set(missed)
    missed_rounds: dict[str, set[int]] = {}
    for record in missed.values():
        missed_rounds.setdefault(record["group_id"], set()).add(int(record["round"]))
    units: dict[str, list[GroupRow]] = {}
    for group in sorted(groups, key=lambda g: (g.unit_id, g.group_id)):
        rounds = rules.model_for(group.study_type).rounds
        mine, open_items = by_group.get(group.group_id, {}), unplaced_by_group.get(group.group_id, {})
        done = missed_rounds.get(group.group_id, set())
        wanted = max([rounds if not (mine or open_items or done) else 0, *mine, *open_items, *done,
                      *(int(i["rounds_in_year"]) for i in open_items.values() if i.get("rounds_in_year"))])
        cells = []
        for r in range(1, max(wanted, 1) + 1):
            m, item = mine.get(r), open_items.get(r)
            if m is not None and m.planned:
                cells.append(Cell(r, HELD if m.held_on else PAST if m.day < today else PLANNED, m))
            elif group_meeting_id(group.group_id, academic_year, r) in missed_ids:
                cells.append(Cell(r, MISSED, m))
            elif item is not None:
                cells.append(Cell(r, UNPLACED, m, item["reason"]))
            else:
                cells.append(Cell(r, CANCELLED if m is not None else NONE, m))
        row = GroupRow(group, wanted, tuple(cells))
        if _shown(row, filters):
            units.setdefault(group.unit_id, []).append(row)
    return [UnitGrid(unit, max((len(r.cells) for r in rows), default=0), tuple(rows))
            for unit, rows in sorted(units.items())]


@dataclass(frozen=True)
class Day:
    day: date
    meetings: tuple[Meeting, ...] = field(default_factory=tuple)


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(5)]


def month_of(day: date) -> list[date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return [first + timedelta(days=i) for i in range((following - first).days) if (first + timedelta(days=i)).weekday() < 5]


def person_days(meetings: Iterable[Meeting], person_oid: str, days: list[date]) -> list[Day]:
    """A person's planned meetings on each of ``days`` (their week or month), by time."""
    wanted = set(days)
    mine: dict[date, list[Meeting]] = {}
    for m in meetings:
        if m.planned and m.day in wanted and person_oid in m.person_oids:
            mine.setdefault(m.day, []).append(m)
    return [Day(d, tuple(sorted(mine.get(d, []), key=lambda m: (m.slot, m.meeting_id)))) for d in days]


def open_conflicts(unplaced: Mapping[str, Mapping[str, Any]], meetings: Iterable[Meeting],
                   missed: Iterable[str]) -> list[Mapping[str, Any]]:
    """The latest plan's unplaced rounds that nobody has decided on yet (no meeting placed since,
    no miss accepted)."""
    placed = {m.meeting_id for m in meetings if m.planned}
    done = placed | set(missed)
    return [item for mid, item in sorted(unplaced.items()) if mid not in done]
