"""Planning a year's group rounds, and planning again what changed since (a periodic pass)."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from hoks_scheduler.domain.calendar import academic_year_of, year_bounds
from hoks_scheduler.domain.conflicts import options
from hoks_scheduler.domain.groups import Group, without_people
from hoks_scheduler.domain.meeting import Meeting
from hoks_scheduler.domain.planner import Placement
from hoks_scheduler.domain.quality import measure
from hoks_scheduler.domain.replanning import CANCELLED, RESCHEDULED, SCHEDULED, occupancy_with, replan
from hoks_scheduler.domain.rounds import RoundDemand, round_demands, round_history
from hoks_scheduler.handlers.ports import SchedulerDeps

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanYear:
    """Plan the rounds of ``academic_year`` for some units (all when ``unit_ids`` is None) from
    ``from_day`` (today when None) on."""

    academic_year: str
    unit_ids: list[str] | None = None
    from_day: date | None = None


async def plan_year(cmd: PlanYear, deps: SchedulerDeps) -> dict[str, Any]:
    """Plan (or re-plan) every group round of a year for some units.

    Idempotent: the same input emits nothing new; changes emit rescheduled/cancelled events."""
    academic_year, unit_ids = cmd.academic_year, cmd.unit_ids
    first, last = year_bounds(academic_year)
    start = max(cmd.from_day or deps.today(), first)
    calendar = deps.config.calendar_for(academic_year)
    groups = await planned_groups(deps, unit_ids)
    digest = await inputs_digest(deps, groups)
    in_year = await deps.meetings.find(academic_year=academic_year)
    scope = set(unit_ids) if unit_ids is not None else None

    def in_scope(m: Meeting) -> bool:
        return m.kind == "group" and (scope is None or m.unit_id in scope)

    existing = [m for m in in_year if in_scope(m)]
    others = [m for m in in_year if not in_scope(m) and m.planned]
    accepted = await deps.meetings.accepted_misses(academic_year)
    away = await deps.meetings.unavailable_days()
    demands = await demands_from(deps, academic_year, groups, existing, start, accepted, away)
    solver = deps.config.solver
    result = replan(demands, existing, others, calendar, start, unavailable=away,
                    engine=solver.engine, seconds_per_model=solver.seconds_per_model, workers=solver.workers,
                    max_meetings_per_model=solver.max_meetings_per_model)
    written = await deps.meetings.save(result.changes)

    final = {m.meeting_id: m for m in existing}
    final.update({c.meeting.meeting_id: c.meeting for c in result.changes})
    placed = {d.meeting_id: Placement(d.meeting_id, final[d.meeting_id].day, final[d.meeting_id].slot)
              for d in demands if d.meeting_id in final and final[d.meeting_id].planned
              and calendar.is_school_day(final[d.meeting_id].day)}
    quality = measure(demands, placed, calendar.school_days)
    by_id = {d.meeting_id: d for d in demands}
    counts = {kind: sum(1 for c in result.changes if c.kind == kind) for kind in (SCHEDULED, RESCHEDULED, CANCELLED)}
    occ = result.occupancy or occupancy_with([], calendar, away)
    counselors: dict[str, set[str]] = {}
    ends = {g.group_id: g.planned_end_date for g in groups}
    for g in groups:
        if g.counselor_oid:
            counselors.setdefault(g.unit_id, set()).add(g.counselor_oid)
    report = {
        "academic_year": academic_year, "unit_ids": sorted(scope) if scope is not None else None,
        "from_day": start.isoformat(), "groups": len(groups), "meetings": len(demands),
        **counts, "kept": result.kept, "written": len(written),
        "unplaced": [conflict_item(by_id[mid], reason, options(by_id[mid], occ, calendar.school_days, start,
                                                                counselors.get(by_id[mid].unit_id, set()),
                                                                until=ends.get(by_id[mid].group_id)))
                     for mid, reason in sorted(result.unplaced.items())],
        "summary": plan_summary(groups, demands, final, start, accepted),
        "rounds_per_year": deps.config.rules.rounds_per_year(),
        "quality": quality.as_dict(),
        "solver": {"engine": solver.engine, "models": result.outcome.models,
                   "seconds": round(result.outcome.solver_seconds, 3), "fallbacks": result.outcome.fallbacks},
        "planned_at": datetime.now(UTC).isoformat(), "inputs_digest": digest,
    }
    await deps.meetings.save_report(f"{academic_year}:{','.join(sorted(scope)) if scope else '*'}", dict(report))
    log.info("year planned", extra={k: report[k] for k in ("academic_year", "groups", "meetings", "scheduled",
                                                            "rescheduled", "cancelled", "kept")}
             | {"unplaced": len(report["unplaced"])})
    return report


def conflict_item(demand: RoundDemand, reason: str, choices: list[Any]) -> dict[str, Any]:
    """An unplaced round as a person decides on it: what, why, and what can be done."""
    return {
        "meeting_id": demand.meeting_id, "group_id": demand.group_id, "unit_id": demand.unit_id,
        "round": demand.round, "rounds_in_year": demand.rounds_in_year, "reason": reason,
        "window": [demand.window[0].isoformat(), demand.window[-1].isoformat()] if demand.window else None,
        "counselor_oid": next((s.person_oid for s in demand.seats if s.role == "counselor"), None),
        "options": [{"day": o.day.isoformat(), "slot": o.slot, "counselor_oid": o.counselor_oid} for o in choices],
    }


def plan_summary(groups: list[Group], demands: list[RoundDemand], final: dict[str, Meeting], start: date,
                 accepted: dict[str, Any]) -> dict[str, Any]:
    """What was planned, in counts a director reads: groups with every round they need this
    year, groups short of rounds, catch-ups made, meetings moved outside their round's window."""
    per_group: dict[str, list[RoundDemand]] = {}
    for d in demands:
        per_group.setdefault(d.group_id, []).append(d)
    complete = short = 0
    for wanted in per_group.values():
        got = sum(1 for d in wanted if d.meeting_id in final and final[d.meeting_id].planned)
        if got >= wanted[0].rounds_in_year:
            complete += 1
        else:
            short += 1
    outside = [d for d in demands if d.meeting_id in final and final[d.meeting_id].planned
               and final[d.meeting_id].day >= start and d.window and final[d.meeting_id].day not in d.window
               and not final[d.meeting_id].by_hand]
    return {"groups_with_all_rounds": complete, "groups_short_of_rounds": short,
            "groups_caught_up": len({d.group_id for d in demands if d.catch_up_from is not None}),
            "moved_outside_window": len(outside), "accepted_misses": len(accepted)}


async def demands_from(deps: SchedulerDeps, academic_year: str, groups: list[Group], existing: list[Meeting],
                   start: date, accepted: dict[str, Any], away: dict[str, set[date]],
                   remember: bool = True) -> list[RoundDemand]:
    """The rounds the groups need from ``start`` on, with catch-ups where rounds' windows have
    passed; a new catch-up's first day is kept for the next runs (``remember``: only planning
    does that, not a look-up of one round). Misses a person accepted are
    left out (and count as done for the catch-up)."""
    calendar = deps.config.calendar_for(academic_year)
    anchors = await deps.meetings.catch_up_starts(academic_year)
    done = [(m.group_id, m.round, m.day) for m in existing if m.group_id and m.round and (m.planned or m.by_hand)]
    done += [(r["group_id"], int(r["round"]), date.fromisoformat(r["on"])) for r in accepted.values()]
    history = round_history(done, anchors)
    demands = round_demands(groups, calendar, deps.config.rules, from_day=start, history=history, unavailable=away)
    fresh = {d.group_id: d.catch_up_from for d in demands
             if d.catch_up_from is not None and anchors.get(d.group_id) != d.catch_up_from}
    if fresh and remember:
        await deps.meetings.save_catch_up_starts(academic_year, fresh)
    return [d for d in demands if d.meeting_id not in accepted]


async def planned_groups(deps: SchedulerDeps, unit_ids: list[str] | None) -> list[Group]:
    gone = await deps.groups.inactive_staff()
    return [without_people(g, gone) for g in await deps.groups.active(unit_ids)]


async def inputs_digest(deps: SchedulerDeps, groups: list[Group]) -> str:
    """A fingerprint of what a plan depends on besides the calendar: the groups (dates, staff,
    activity, staff who left) and everyone's unavailable days."""
    away = await deps.meetings.unavailable_days()
    data = {"groups": sorted(repr(g) for g in groups),
            "away": sorted((oid, sorted(d.isoformat() for d in days)) for oid, days in away.items())}
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


async def replan_changed(deps: SchedulerDeps) -> list[dict[str, Any]]:
    """Re-plan, from today, every scope of the current academic year that was planned before and
    whose groups, staff or unavailability changed since (run periodically by the service)."""
    year = academic_year_of(deps.today())
    reports = []
    for previous in await deps.meetings.reports_for_year(year):
        units = previous.get("unit_ids")
        if previous.get("inputs_digest") == await inputs_digest(deps, await planned_groups(deps, units)):
            continue
        log.info("inputs changed; re-planning", extra={"academic_year": year, "unit_ids": units})
        reports.append(await plan_year(PlanYear(year, units), deps))
    return reports
