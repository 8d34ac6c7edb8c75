"""Placing group rounds on school days and slots: CP-SAT per counselor and round, or greedy.

Decomposition: meetings that share no required participant never conflict, so the demands are
split into connected components of the person graph (in practice about one unit each); inside a
component one model is solved per counselor and round number (in interleaved chunks of at most
``max_meetings_per_model``), one after the other, everything placed before becoming fixed load.
A CP-SAT model picks the day of each meeting (hard: one meeting per person per slot, the daily
cap, availability, the round's window; objective: place everything, then avoid a second meeting
of a person on one day, then stay close to the target day: one window after the group's previous
round, which keeps the gaps between a group's rounds even). Slots inside a day are then given
first-fit, which cannot fail while a day has more slots than participants × (cap − 1); a meeting
that still finds no slot tries the other days of its window, then the nearest day of its reach
(the window widened by the configured number of school days, after the group's previous round),
before it is reported unplaced with a reason. Slots are chosen where the optional participants
are free too when there is one, and their invitation holds it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from hoks_scheduler.domain.occupancy import Occupancy
from hoks_scheduler.domain.rounds import RoundDemand

#: Objective weights, lexicographic in practice: place everything, then avoid a second (third)
#: meeting of a person on one day, then stay close to the target day. (A "busiest person-day"
#: term was measured too: same quality, 60 % more solver time.)
UNPLACED_WEIGHT = 1_000_000
DOUBLE_WEIGHT = 30


@dataclass(frozen=True)
class SolverSettings:
    """How hard the planner works: engine ``cp-sat`` or ``greedy``, time per model, threads."""

    engine: str = "cp-sat"
    seconds_per_model: float = 5.0
    workers: int = 1
    max_meetings_per_model: int = 40


@dataclass(frozen=True)
class Placement:
    meeting_id: str
    day: date
    slot: int
    #: School days outside the round's window (0: inside it).
    widened_by: int = 0


@dataclass
class PlanOutcome:
    placed: dict[str, Placement] = field(default_factory=dict)
    unplaced: dict[str, str] = field(default_factory=dict)
    models: int = 0
    solver_seconds: float = 0.0
    fallbacks: int = 0
    #: Models stopped by the time limit with a feasible, not proven optimal, solution.
    not_proven_optimal: int = 0
    slowest_model_seconds: float = 0.0


def open_window(demand: RoundDemand, from_day: date) -> list[date]:
    return [d for d in demand.window if d >= from_day]


#: Per group, the days of its rounds already placed or kept: round number → day.
RoundDays = dict[str, dict[int, date]]


def between(demand: RoundDemand, rounds: RoundDays) -> tuple[date | None, date | None]:
    """The days of the group's nearest placed rounds before and after this one (order is kept)."""
    days = rounds.get(demand.group_id, {})
    before = [d for r, d in days.items() if r < demand.round]
    after = [d for r, d in days.items() if r > demand.round]
    return max(before, default=None), min(after, default=None)


def candidate_days(demand: RoundDemand, occ: Occupancy, from_day: date,
                   bounds: tuple[date | None, date | None] = (None, None),
                   days: Iterable[date] | None = None) -> list[date]:
    """Days of the window (or of ``days``) from ``from_day`` on, strictly between the group's
    neighbouring rounds, where every required participant is available, under the cap and has a
    common free slot."""
    people = demand.required_oids
    low, high = bounds
    return [d for d in (open_window(demand, from_day) if days is None else days)
            if d >= from_day and (low is None or d > low) and (high is None or d < high)
            and occ.day_open(people, d) and occ.free_slot(people, d) is not None]


def outside_window(demand: RoundDemand, day: date) -> int:
    """How many of the group's school days ``day`` lies outside the round's window (0: inside)."""
    if not demand.window or day in demand.window:
        return 0
    reach = demand.reach or demand.window
    if day < demand.window[0]:
        return sum(1 for d in reach if day <= d < demand.window[0])
    return sum(1 for d in reach if demand.window[-1] < d <= day)


def reserve(demand: RoundDemand, occ: Occupancy, day: date, slot: int, outcome: PlanOutcome) -> None:
    occ.reserve(demand.meeting_id, demand.required_oids, day, slot)
    occ.invite(demand.meeting_id, demand.optional_oids, day, slot)
    outcome.placed[demand.meeting_id] = Placement(demand.meeting_id, day, slot, outside_window(demand, day))
    outcome.unplaced.pop(demand.meeting_id, None)


def why_unplaced(demand: RoundDemand, occ: Occupancy, from_day: date) -> str:
    if demand.missing_roles:
        return f"missing-{demand.missing_roles[0]}"
    window = [d for d in (demand.reach or demand.window) if d >= from_day]
    if not window:
        return "round-window-passed"
    people = demand.required_oids
    present = [d for d in window if all(occ.available(p, d) for p in people)]
    if not present:
        return "participant-unavailable"
    if not any(all(occ.load(p, d) < occ.cap for p in people) for d in present):
        return "daily-cap-reached"
    return "no-common-free-slot"


def target_index(demand: RoundDemand, previous: date | None, day_index: dict[date, int]) -> int:
    """Where in its window a round should go: one window length after the group's previous
    round (keeps the gaps between a group's rounds even), else the window's reference day."""
    if demand.reference_day not in demand.window:
        return 0
    reference = demand.window.index(demand.reference_day)
    if previous is None or previous >= demand.window[0] or previous not in day_index:
        return reference
    wanted = day_index[previous] + len(demand.window) - day_index[demand.window[0]]
    return max(0, min(len(demand.window) - 1, wanted))


def _by_closeness(demand: RoundDemand, days: Iterable[date], target: int | None = None) -> list[date]:
    index = {d: i for i, d in enumerate(demand.window)}
    ref = index.get(demand.reference_day, 0) if target is None else target
    return sorted(days, key=lambda d: (abs(index[d] - ref), d))


def place_greedily(demand: RoundDemand, occ: Occupancy, from_day: date, outcome: PlanOutcome,
                   target: int | None = None, rounds: RoundDays | None = None) -> bool:
    """The day closest to the target day of the window with a slot everyone has free; else the
    nearest such day of the reach outside the window (after the group's previous round)."""
    if demand.missing_roles:
        outcome.unplaced[demand.meeting_id] = why_unplaced(demand, occ, from_day)
        return False
    people = demand.required_oids
    bounds = between(demand, rounds or {})
    inside = _by_closeness(demand, candidate_days(demand, occ, from_day, bounds), target)
    outside = sorted(candidate_days(demand, occ, from_day, bounds,
                                    [d for d in demand.reach if d not in set(demand.window)]),
                     key=lambda d: (outside_window(demand, d), d))
    for day in [*inside, *outside]:
        slot = occ.free_slot(people, day, optional=demand.optional_oids)
        if slot is not None:
            reserve(demand, occ, day, slot, outcome)
            if rounds is not None:
                rounds.setdefault(demand.group_id, {})[demand.round] = day
            return True
    outcome.unplaced[demand.meeting_id] = why_unplaced(demand, occ, from_day)
    return False


def plan_greedy(demands: list[RoundDemand], occ: Occupancy, from_day: date,
                previous: RoundDays | None = None) -> PlanOutcome:
    """The baseline: rounds in order, each meeting at the first good day nearest its reference."""
    outcome = PlanOutcome()
    rounds = {g: dict(days) for g, days in (previous or {}).items()}
    started = time.perf_counter()
    for demand in sorted(demands, key=lambda d: (d.round, d.window[:1], d.meeting_id)):
        place_greedily(demand, occ, from_day, outcome, rounds=rounds)
    outcome.solver_seconds = time.perf_counter() - started
    return outcome


def components(demands: list[RoundDemand]) -> list[list[RoundDemand]]:
    """Demands that share no required participant, directly or through others, never conflict."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for demand in demands:
        people = demand.required_oids or (demand.meeting_id,)
        for other in people[1:]:
            parent[find(other)] = find(people[0])
    groups: dict[str, list[RoundDemand]] = defaultdict(list)
    for demand in demands:
        people = demand.required_oids or (demand.meeting_id,)
        groups[find(people[0])].append(demand)
    return sorted(groups.values(), key=lambda c: min(d.meeting_id for d in c))


def _solve_round(demands: list[RoundDemand], occ: Occupancy, from_day: date, outcome: PlanOutcome,
                 targets: dict[str, int], seconds: float, workers: int, candidate_limit: int,
                 rounds: RoundDays) -> None:
    model = cp_model.CpModel()
    choices: dict[str, dict[date, cp_model.IntVar]] = {}
    per_person_day: dict[tuple[str, date], list[cp_model.IntVar]] = defaultdict(list)
    cost: list[cp_model.LinearExprT] = []
    placeable: list[RoundDemand] = []
    for demand in demands:
        days = [] if demand.missing_roles else candidate_days(demand, occ, from_day, between(demand, rounds))
        if days and candidate_limit:
            # the model sees the days nearest the target; a meeting it cannot place there is
            # placed greedily on any day of its window afterwards
            days = sorted(_by_closeness(demand, days, targets[demand.meeting_id])[:candidate_limit])
        if not days:
            place_greedily(demand, occ, from_day, outcome, targets[demand.meeting_id], rounds)
            continue
        placeable.append(demand)
        index = {d: i for i, d in enumerate(demand.window)}
        ref = targets[demand.meeting_id]
        xs = {}
        for day in days:
            x = model.new_bool_var(f"{demand.meeting_id}@{day}")
            xs[day] = x
            cost.append(abs(index[day] - ref) * x)
            for person in demand.required_oids:
                per_person_day[(person, day)].append(x)
        choices[demand.meeting_id] = xs
        placed = sum(xs.values())
        model.add(placed <= 1)
        cost.append(UNPLACED_WEIGHT * (1 - placed))
    if not placeable:
        return
    for (person, day), xs in per_person_day.items():
        model.add(sum(xs) + occ.load(person, day) <= min(occ.cap, occ.slots))
        if len(xs) + occ.load(person, day) > 1:
            extra = model.new_int_var(0, occ.cap, f"extra-{person}@{day}")
            model.add(extra >= sum(xs) + occ.load(person, day) - 1)
            cost.append(DOUBLE_WEIGHT * extra)
    model.minimize(sum(cost))
    # hint: every meeting on its candidate day nearest the target (the solver repairs overloads)
    for demand in placeable:
        xs = choices[demand.meeting_id]
        best = _by_closeness(demand, xs, targets[demand.meeting_id])[0]
        for day, x in xs.items():
            model.add_hint(x, day == best)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    started = time.perf_counter()
    status = solver.solve(model)
    took = time.perf_counter() - started
    outcome.solver_seconds += took
    outcome.slowest_model_seconds = max(outcome.slowest_model_seconds, took)
    outcome.models += 1
    if status == cp_model.FEASIBLE:
        outcome.not_proven_optimal += 1
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        outcome.fallbacks += 1
        for demand in placeable:
            place_greedily(demand, occ, from_day, outcome, targets[demand.meeting_id], rounds)
        return
    retry: list[RoundDemand] = []
    for demand in placeable:
        day = next((d for d, x in choices[demand.meeting_id].items() if solver.boolean_value(x)), None)
        if day is None:
            retry.append(demand)
            continue
        slot = occ.free_slot(demand.required_oids, day, optional=demand.optional_oids) \
            if occ.day_open(demand.required_oids, day) else None
        if slot is None:
            retry.append(demand)
            continue
        reserve(demand, occ, day, slot, outcome)
        rounds.setdefault(demand.group_id, {})[demand.round] = day
    for demand in retry:
        place_greedily(demand, occ, from_day, outcome, targets[demand.meeting_id], rounds)


def _lead(demand: RoundDemand) -> str:
    """The person a meeting is batched by: its counselor (who convenes it), else its first."""
    for seat in demand.seats:
        if seat.required and seat.role == "counselor":
            return seat.person_oid
    return demand.required_oids[0] if demand.required_oids else demand.meeting_id


def plan_cpsat(demands: list[RoundDemand], occ: Occupancy, from_day: date, *,
               seconds_per_model: float = 5.0, workers: int = 1, batch_by: str = "counselor",
               max_meetings_per_model: int = 40, candidate_days_per_meeting: int = 0,
               previous: RoundDays | None = None) -> PlanOutcome:
    """Models per component and round, or finer (``batch_by="counselor"``): per counselor's
    groups and round, at most ``max_meetings_per_model`` meetings each, solved one after the
    other with what is placed already as fixed load. ``previous``: per group the days of its
    rounds that stay where they are (kept meetings); rounds placed now keep the order."""
    outcome = PlanOutcome()
    rounds = {g: dict(days) for g, days in (previous or {}).items()}
    day_index = {d: i for i, d in enumerate(sorted({d for demand in demands for d in demand.window}))}
    for component in components(demands):
        by_round: dict[tuple[int, str], list[RoundDemand]] = defaultdict(list)
        for demand in component:
            by_round[(demand.round, _lead(demand) if batch_by == "counselor" else "")].append(demand)
        for key in sorted(by_round):
            ordered = sorted(by_round[key], key=lambda d: d.meeting_id)
            # interleaved chunks: each one spans the whole batch, so no chunk gets only the leftovers
            chunks = max(1, -(-len(ordered) // max(1, max_meetings_per_model)))
            for c in range(chunks):
                batch = ordered[c::chunks]
                targets = {d.meeting_id: target_index(d, between(d, rounds)[0], day_index) for d in batch}
                _solve_round(batch, occ, from_day, outcome, targets, seconds_per_model, workers,
                             candidate_days_per_meeting, rounds)
    return outcome


def plan(demands: list[RoundDemand], occ: Occupancy, from_day: date, *, engine: str = "cp-sat",
         seconds_per_model: float = 5.0, workers: int = 1, batch_by: str = "counselor",
         max_meetings_per_model: int = 40, candidate_days_per_meeting: int = 0,
         previous: RoundDays | None = None) -> PlanOutcome:
    """``previous``: per group, the days of its rounds that stay where they are (rounds placed
    now keep the order)."""
    if engine == "greedy":
        return plan_greedy(demands, occ, from_day, previous)
    if engine != "cp-sat":
        raise ValueError(f"unknown planner engine {engine!r}")
    return plan_cpsat(demands, occ, from_day, seconds_per_model=seconds_per_model, workers=workers,
                      batch_by=batch_by, max_meetings_per_model=max_meetings_per_model,
                      candidate_days_per_meeting=candidate_days_per_meeting, previous=previous)
