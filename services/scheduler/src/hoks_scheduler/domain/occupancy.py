"""Who is busy when: meetings per person per school day and slot, and days people are away."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date


class Occupancy:
    """The reserved slots of every person; the planner's only notion of conflict.

    A person holds at most one meeting per slot and at most ``cap`` meetings per school day;
    ``unavailable`` days (leave, training, part-time days) take no meeting at all.
    """

    def __init__(self, slots: int, cap: int, unavailable: Mapping[str, Iterable[date]] | None = None) -> None:
        self.slots = slots
        self.cap = cap
        self.unavailable = {oid: frozenset(days) for oid, days in (unavailable or {}).items()}
        self._load: dict[tuple[str, date], int] = defaultdict(int)
        self._busy: dict[tuple[str, date, int], str] = {}
        #: Optional participants' invitations: they steer slot choice, never block a required seat.
        self._invited: dict[tuple[str, date, int], str] = {}

    def available(self, oid: str, day: date) -> bool:
        return day not in self.unavailable.get(oid, ())

    def load(self, oid: str, day: date) -> int:
        return self._load.get((oid, day), 0)

    def holder(self, oid: str, day: date, slot: int) -> str | None:
        return self._busy.get((oid, day, slot))

    def day_open(self, oids: Iterable[str], day: date) -> bool:
        return all(self.available(p, day) and self.load(p, day) < self.cap for p in oids)

    def slot_free(self, oids: Iterable[str], day: date, slot: int, ignore: str | None = None) -> bool:
        return all(self._busy.get((p, day, slot)) in (None, ignore) for p in oids)

    def free_slot(self, oids: tuple[str, ...], day: date, preferred: int | None = None,
                  optional: tuple[str, ...] = ()) -> int | None:
        """A slot every one of ``oids`` has free; one where the ``optional`` people are free as
        well (no meeting, no invitation) when there is such a slot."""
        order = range(self.slots) if preferred is None else [preferred, *(s for s in range(self.slots) if s != preferred)]
        fallback = None
        for slot in order:
            if self.slot_free(oids, day, slot):
                if not optional or self.invitable(optional, day, slot):
                    return slot
                fallback = slot if fallback is None else fallback
        return fallback

    def invitable(self, oids: Iterable[str], day: date, slot: int) -> bool:
        return all(self.available(p, day) and (p, day, slot) not in self._busy and (p, day, slot) not in self._invited
                   for p in oids)

    def invite(self, meeting_id: str, oids: Iterable[str], day: date, slot: int) -> None:
        """Hold the slot of optional participants who are free then (the others are left out here;
        their seat is marked tentative when the plan is final)."""
        for oid in oids:
            if self.invitable((oid,), day, slot):
                self._invited[(oid, day, slot)] = meeting_id

    def fits(self, oids: tuple[str, ...], day: date, slot: int) -> bool:
        return self.day_open(oids, day) and self.slot_free(oids, day, slot)

    def reserve(self, meeting_id: str, oids: Iterable[str], day: date, slot: int) -> None:
        for oid in oids:
            key = (oid, day, slot)
            if self._busy.get(key, meeting_id) != meeting_id:
                raise ValueError(f"{oid} is already in {self._busy[key]} at {day} slot {slot}")
            if key not in self._busy:
                self._busy[key] = meeting_id
                self._load[(oid, day)] += 1

    def release(self, meeting_id: str, oids: Iterable[str], day: date, slot: int) -> None:
        for oid in oids:
            if self._busy.get((oid, day, slot)) == meeting_id:
                del self._busy[(oid, day, slot)]
                self._load[(oid, day)] -= 1

    def loads(self) -> dict[tuple[str, date], int]:
        return {k: v for k, v in self._load.items() if v}
