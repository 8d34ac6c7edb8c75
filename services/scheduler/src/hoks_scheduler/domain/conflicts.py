"""What a person can do about a round the planner could not place: the reason in a few words'
worth of code, and one-click options — the nearest days where everyone can meet, the same round
with another counselor of the unit — or accepting the miss."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from hoks_scheduler.domain.occupancy import Occupancy
from hoks_scheduler.domain.rounds import RoundDemand

#: Reasons the planner gives, in the order a person would look at them.
REASONS = ("missing-counselor", "missing-responsible-teacher", "missing-special-needs-teacher",
           "round-window-passed", "participant-unavailable", "daily-cap-reached", "no-common-free-slot")


@dataclass(frozen=True)
class Option:
    day: date
    slot: int
    counselor_oid: str | None = None  # None: the group's own counselor


def nearest_free(people: tuple[str, ...], days: Iterable[date], occ: Occupancy, around: date,
                 limit: int) -> list[tuple[date, int]]:
    """Up to ``limit`` (day, slot) where all ``people`` can meet, the days nearest ``around`` first."""
    found: list[tuple[date, int]] = []
    for day in sorted(days, key=lambda d: (abs((d - around).days), d)):
        if occ.day_open(people, day):
            slot = occ.free_slot(people, day)
            if slot is not None:
                found.append((day, slot))
                if len(found) == limit:
                    break
    return found


def options(demand: RoundDemand, occ: Occupancy, school_days: Iterable[date], from_day: date,
            counselors: Iterable[str], limit: int = 3, until: date | None = None) -> list[Option]:
    """Other days for the group's own people (anywhere in the rest of the year up to ``until``,
    the group's planned end, nearest the round first), then the round's reach with another
    counselor (one option per counselor)."""
    if any(role != "counselor" for role in demand.missing_roles):
        return []
    days = [d for d in school_days if d >= from_day and (until is None or d <= until)]
    around = demand.reference_day if demand.reference_day >= from_day else (days[0] if days else from_day)
    found: list[Option] = []
    if not demand.missing_roles:
        found += [Option(d, s) for d, s in nearest_free(demand.required_oids, days, occ, around, limit)]
    own = next((s.person_oid for s in demand.seats if s.required and s.role == "counselor"), None)
    others = tuple(p for p in demand.required_oids if p != own)
    reach = [d for d in (demand.reach or demand.window) if d >= from_day] or days
    for counselor in sorted(set(counselors) - {own}):
        if counselor in others:
            continue
        spot = nearest_free((counselor, *others), reach, occ, around, 1)
        if spot:
            found.append(Option(spot[0][0], spot[0][1], counselor))
        if len([o for o in found if o.counselor_oid]) == limit:
            break
    return found
