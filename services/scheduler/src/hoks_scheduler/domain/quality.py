"""How good a plan is: load per person and day, spread of each group's rounds, what is left."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import mean, pstdev

from hoks_scheduler.domain.planner import Placement
from hoks_scheduler.domain.rounds import RoundDemand


@dataclass(frozen=True)
class PlanQuality:
    meetings: int
    placed: int
    unplaced: int
    double_bookings: int
    max_per_person_day: int
    #: No plan can do better than this: the busiest person's meetings over the school days.
    max_per_person_day_lower_bound: int
    busiest_person_meetings: int
    mean_per_busy_person_day: float
    #: Share of busy person-days with more than one meeting.
    share_person_days_over_one: float
    #: Mean over groups of the std. deviation of the gaps between rounds / the ideal gap (0 = even).
    spread_irregularity: float
    #: Smallest gap between two rounds of a group, in school days.
    min_gap_school_days: int
    #: Mean distance of a meeting from its round's reference day, in school days.
    mean_distance_from_reference: float

    def as_dict(self) -> dict[str, float | int]:
        return dict(self.__dict__)


def measure(demands: list[RoundDemand], placed: dict[str, Placement], school_days: tuple[date, ...]) -> PlanQuality:
    index = {d: i for i, d in enumerate(school_days)}
    by_id = {d.meeting_id: d for d in demands}
    load: Counter[tuple[str, date]] = Counter()
    slots: Counter[tuple[str, date, int]] = Counter()
    distance: list[int] = []
    per_group: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for meeting_id, p in placed.items():
        demand = by_id[meeting_id]
        for oid in demand.required_oids:
            load[(oid, p.day)] += 1
            slots[(oid, p.day, p.slot)] += 1
        distance.append(abs(index[p.day] - index[demand.reference_day]))
        per_group[demand.group_id].append((demand.round, index[p.day]))
    per_person = Counter(p for d in demands for p in d.required_oids)
    busiest = max(per_person.values(), default=0)
    irregularity, min_gap = [], 10**6
    for group_id, rounds in per_group.items():
        days = [i for _, i in sorted(rounds)]
        gaps = [b - a for a, b in zip(days, days[1:], strict=False)]
        if gaps:
            min_gap = min(min_gap, *gaps)
            ideal = mean(gaps)
            irregularity.append(pstdev(gaps) / ideal if ideal else 0.0)
    return PlanQuality(
        meetings=len(demands), placed=len(placed), unplaced=len(demands) - len(placed),
        double_bookings=sum(n - 1 for n in slots.values() if n > 1),
        max_per_person_day=max(load.values(), default=0),
        max_per_person_day_lower_bound=-(-busiest // max(1, len(school_days))),
        busiest_person_meetings=busiest,
        mean_per_busy_person_day=round(mean(load.values()), 3) if load else 0.0,
        share_person_days_over_one=round(sum(1 for v in load.values() if v > 1) / len(load), 4) if load else 0.0,
        spread_irregularity=round(mean(irregularity), 3) if irregularity else 0.0,
        min_gap_school_days=min_gap if min_gap != 10**6 else 0,
        mean_distance_from_reference=round(mean(distance), 2) if distance else 0.0,
    )
