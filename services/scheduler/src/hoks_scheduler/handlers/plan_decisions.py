"""What a person decides about a round the planner left unplaced (the plan overview's one-click
actions: place it by hand, accept the miss), and the data the overview shows."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from hoks_scheduler.domain.calendar import year_bounds
from hoks_scheduler.domain.errors import Conflict, InvalidRequest, RoundNotFound
from hoks_scheduler.domain.groups import Group
from hoks_scheduler.domain.meeting import Meeting
from hoks_scheduler.domain.optional_seats import mark_optional_seats
from hoks_scheduler.domain.replanning import SCHEDULED, Change, new_group_meeting
from hoks_scheduler.domain.rounds import RoundDemand, Seat
from hoks_scheduler.handlers.changes import free_spot
from hoks_scheduler.handlers.planning import demands_from, planned_groups
from hoks_scheduler.handlers.ports import SchedulerDeps

GROUP_MEETING_ID = re.compile(r"^grp-(?P<group>.+)-(?P<year>\d{4}-\d{4})-r(?P<round>\d+)$")


@dataclass(frozen=True)
class PlaceByHand:
    """Put an unplaced round at ``starts_at``, optionally convened by another counselor."""

    meeting_id: str
    starts_at: datetime
    counselor_oid: str | None = None


@dataclass(frozen=True)
class AcceptMiss:
    meeting_id: str
    by_oid: str | None


@dataclass(frozen=True)
class ShowPlan:
    academic_year: str
    unit_ids: list[str]


async def round_demand(meeting_id: str, deps: SchedulerDeps) -> RoundDemand:
    """The round a group meeting id stands for, as the planner sees it today."""
    match = GROUP_MEETING_ID.match(meeting_id)
    if match is None:
        raise RoundNotFound(meeting_id=meeting_id)
    year = match["year"]
    groups = [g for g in await planned_groups(deps, None) if g.group_id == match["group"]]
    if not groups:
        raise RoundNotFound(meeting_id=meeting_id)
    existing = await deps.meetings.find(academic_year=year, group_id=groups[0].group_id)
    start = max(deps.today(), year_bounds(year)[0])
    demands = await demands_from(deps, year, groups, [m for m in existing if m.kind == "group"], start,
                                 await deps.meetings.accepted_misses(year), await deps.meetings.unavailable_days(),
                                 remember=False)
    demand = next((d for d in demands if d.meeting_id == meeting_id), None)
    if demand is None:
        raise RoundNotFound(meeting_id=meeting_id)
    return demand


async def place_by_hand(cmd: PlaceByHand, deps: SchedulerDeps) -> Meeting:
    """A round the planner left unplaced, put by a person on a day they chose (any school day of
    the year, also outside the round's window), optionally with another counselor. Re-plans keep
    it there (and keep the counselor) while everyone can still make it."""
    meeting_id, counselor_oid = cmd.meeting_id, cmd.counselor_oid
    demand = await round_demand(meeting_id, deps)
    current = await deps.meetings.get(meeting_id)
    if current is not None and current.planned:
        raise Conflict("the round is planned already; reschedule the meeting instead")
    seats = tuple(Seat(counselor_oid, "counselor") if s.role == "counselor" and counselor_oid else s
                  for s in demand.seats)
    if counselor_oid and not any(s.role == "counselor" for s in seats):
        seats = (Seat(counselor_oid, "counselor"), *seats)
    day, slot, calendar, busy = await free_spot(deps, cmd.starts_at, meeting_id,
                                                tuple(dict.fromkeys(s.person_oid for s in seats if s.required)))
    if calendar.academic_year != demand.academic_year:
        raise InvalidRequest("the day is not in the round's academic year")
    meeting = replace(new_group_meeting(replace(demand, seats=seats), calendar, day, slot), by_hand=True,
                      sequence=current.sequence + 1 if current is not None else 0)
    meeting = mark_optional_seats([meeting], busy, await deps.meetings.unavailable_days(),
                                  calendar.cap).get(meeting_id, meeting)
    written = await deps.meetings.save([Change(SCHEDULED, meeting, "placed-by-hand",
                                               current.sequence if current is not None else None)])
    if not written:
        raise Conflict("the round was changed meanwhile; reload")
    await deps.meetings.forget_accepted_miss(meeting_id)
    return meeting


async def accept_miss(cmd: AcceptMiss, deps: SchedulerDeps) -> dict[str, Any]:
    """A person decides that a round will not be held this year: it is no longer reported as
    unplaced, and a catch-up does not spread it again."""
    demand = await round_demand(cmd.meeting_id, deps)
    current = await deps.meetings.get(cmd.meeting_id)
    if current is not None and current.planned:
        raise Conflict("the round is planned; cancel the meeting instead")
    record = {"group_id": demand.group_id, "unit_id": demand.unit_id, "round": demand.round,
              "academic_year": demand.academic_year, "on": deps.today().isoformat(), "by": cmd.by_oid}
    await deps.meetings.accept_miss(cmd.meeting_id, record)
    return record


@dataclass(frozen=True)
class PlanView:
    """What the plan overview shows for some units of a year."""

    groups: list[Group]
    meetings: list[Meeting]
    #: The latest plan's unplaced rounds of these units (meeting id → item), decided or not.
    unplaced: dict[str, dict[str, Any]]
    missed: dict[str, dict[str, Any]]
    summary: dict[str, Any] | None


async def plan_view(query: ShowPlan, deps: SchedulerDeps) -> PlanView:
    """The units' groups, the year's meetings, and per unit the unplaced rounds of the latest plan
    that covered it."""
    academic_year, unit_ids = query.academic_year, query.unit_ids
    groups = await planned_groups(deps, unit_ids)
    meetings = [m for unit in unit_ids for m in await deps.meetings.find(academic_year=academic_year, unit_id=unit)]
    reports = sorted(await deps.meetings.plan_reports(academic_year), key=lambda r: r.get("planned_at", ""))
    unplaced: dict[str, dict[str, Any]] = {}
    summary = None
    for unit in unit_ids:
        covering = [r for r in reports if r.get("unit_ids") is None or unit in r["unit_ids"]]
        if covering:
            latest = covering[-1]
            summary = latest.get("summary") if len(unit_ids) == 1 else summary
            unplaced.update({i["meeting_id"]: i for i in latest.get("unplaced", []) if i.get("unit_id") == unit})
    missed = {k: v for k, v in (await deps.meetings.accepted_misses(academic_year)).items()
              if v.get("unit_id") in unit_ids}
    return PlanView(groups, meetings, unplaced, missed, summary)
