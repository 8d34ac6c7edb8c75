"""Optional participants (the curator "when needed", the special-needs teacher of at/eat groups)
are invited without clashes: an optional seat is confirmed when the person is available that day,
holds no other meeting at that time (required or confirmed optional) and stays under the daily
cap; otherwise it is tentative, with the clash named. Required seats always win. Decided over the
final plan in time order, so the same plan always gives the same marks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from hoks_scheduler.domain.meeting import Meeting
from hoks_scheduler.domain.rounds import Seat


def _order(m: Meeting) -> tuple[date, int, str]:
    return m.day, m.slot, m.meeting_id


def mark_optional_seats(meetings: Iterable[Meeting], fixed: Iterable[Meeting], unavailable: Mapping[str, Iterable[date]],
                        cap: int) -> dict[str, Meeting]:
    """``meetings`` with each optional seat confirmed or tentative; ``fixed``: other planned
    meetings whose seats stay as they are. Returns the meetings whose seats changed, by id."""
    away = {oid: set(days) for oid, days in unavailable.items()}
    mine = sorted((m for m in meetings if m.planned), key=_order)
    busy: dict[tuple[str, date, int], str] = {}
    load: Counter[tuple[str, date]] = Counter()

    def hold(oid: str, m: Meeting) -> None:
        if (oid, m.day, m.slot) not in busy:
            busy[(oid, m.day, m.slot)] = m.meeting_id
            load[(oid, m.day)] += 1

    for m in fixed:
        if m.planned:
            for seat in m.seats:
                if seat.required or not seat.tentative:
                    hold(seat.person_oid, m)
    for m in mine:
        for oid in m.required_oids:
            hold(oid, m)
    changed: dict[str, Meeting] = {}
    for m in mine:
        seats: list[Seat] = []
        for seat in m.seats:
            if seat.required:
                seats.append(seat)
                continue
            conflict = clash(seat.person_oid, m, busy, load, away, cap)
            if conflict is None:
                hold(seat.person_oid, m)
            seats.append(replace(seat, tentative=conflict is not None, conflict=conflict))
        if tuple(seats) != m.seats:
            changed[m.meeting_id] = replace(m, seats=tuple(seats))
    return changed


def clash(oid: str, m: Meeting, busy: Mapping[tuple[str, date, int], str], load: Mapping[tuple[str, date], int],
          away: Mapping[str, set[date]], cap: int) -> str | None:
    if m.day in away.get(oid, ()):
        return "unavailable"
    holder = busy.get((oid, m.day, m.slot))
    if holder is not None and holder != m.meeting_id:
        return f"meeting:{holder}"
    if load.get((oid, m.day), 0) >= cap:
        return "daily-cap"
    return None
