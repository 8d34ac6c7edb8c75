"""Use cases of the scheduler: plan a year, schedule student-level meetings, reschedule, cancel.

Plain async functions over their dependencies (``SchedulerDeps``); the Kafka and HTTP edges
call them, unit tests call them with fakes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Protocol

from hoks_scheduler.adapters.config_files import SchedulerConfig
from hoks_scheduler.domain.calendar import academic_year_of, year_bounds
from hoks_scheduler.domain.groups import Group, without_people
from hoks_scheduler.domain.meeting import (
    Meeting,
    cancelled,
    cancelled_event,
    moved,
    rescheduled_event,
    scheduled_event,
)
from hoks_scheduler.domain.conflicts import options
from hoks_scheduler.domain.optional_seats import mark_optional_seats
from hoks_scheduler.domain.planner import Placement
from hoks_scheduler.domain.quality import measure
from hoks_scheduler.domain.replanning import (
    CANCELLED,
    RESCHEDULED,
    SCHEDULED,
    Change,
    new_group_meeting,
    occupancy_with,
    replan,
)
from hoks_scheduler.domain.rounds import RoundDemand, Seat, round_demands, round_history
from hoks_scheduler.domain.student_meetings import (
    first_common_slot,
    referral_meeting_id,
    requested_meeting_id,
    why_no_slot,
)
from hoks_shared.contracts.envelope import deterministic_event_id
from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.referrals import ReferralMade

log = logging.getLogger(__name__)


class NotFound(Exception):
    pass


class InvalidRequest(ValueError):
    pass


class Conflict(Exception):
    pass


class GroupSource(Protocol):
    async def get(self, group_id: str) -> Group | None: ...
    async def active(self, unit_ids: list[str] | None = None) -> list[Group]: ...
    async def inactive_staff(self) -> set[str]: ...


class StudentSource(Protocol):
    async def get(self, student_oid: str) -> Any: ...


@dataclass
class SchedulerDeps:
    config: SchedulerConfig
    meetings: Any  # MongoMeetingRepository or a fake with the same methods
    groups: GroupSource
    students: StudentSource
    entry: Callable[[IntegrationEvent, str], dict[str, Any]]
    notify: Callable[[str], None] = lambda meeting_id: None
    today: Callable[[], date] = field(default=lambda: datetime.now(UTC).date())


def event_for(change_kind: str, meeting: Meeting, reason_code: str, theme_changed: bool = False) -> IntegrationEvent:
    if change_kind == SCHEDULED:
        return scheduled_event(meeting)
    if change_kind == RESCHEDULED:
        return rescheduled_event(meeting, reason_code, theme_changed)
    return cancelled_event(meeting, reason_code)


def _entry(deps: SchedulerDeps, change_kind: str, meeting: Meeting, reason_code: str,
           theme_changed: bool = False) -> dict[str, Any]:
    event_id = deterministic_event_id("scheduler", meeting.meeting_id, str(meeting.sequence), change_kind)
    return deps.entry(event_for(change_kind, meeting, reason_code, theme_changed), event_id)


async def _persist(deps: SchedulerDeps, changes: list[Change]) -> list[str]:
    items = [(c.meeting, c.previous_sequence, _entry(deps, c.kind, c.meeting, c.reason_code, c.theme_changed))
             for c in changes]
    written = await deps.meetings.save(items)
    for meeting_id in written:
        deps.notify(meeting_id)
    return written


# ---- group rounds -------------------------------------------------------------------------

async def plan_year(deps: SchedulerDeps, academic_year: str, unit_ids: list[str] | None = None,
                    from_day: date | None = None) -> dict[str, Any]:
    """Plan (or re-plan) every group round of a year for some units (all when ``unit_ids`` is None).

    Idempotent: the same input emits nothing new; changes emit rescheduled/cancelled events."""
    first, last = year_bounds(academic_year)
    start = max(from_day or deps.today(), first)
    calendar = deps.config.calendar_for(academic_year)
    groups = await _planned_groups(deps, unit_ids)
    digest = await inputs_digest(deps, groups)
    in_year = await deps.meetings.find(academic_year=academic_year)
    scope = set(unit_ids) if unit_ids is not None else None

    def in_scope(m: Meeting) -> bool:
        return m.kind == "group" and (scope is None or m.unit_id in scope)

    existing = [m for m in in_year if in_scope(m)]
    others = [m for m in in_year if not in_scope(m) and m.planned]
    accepted = await deps.meetings.accepted_misses(academic_year)
    away = await deps.meetings.unavailable_days()
    demands = await _demands(deps, academic_year, groups, existing, start, accepted, away)
    solver = deps.config.solver
    result = replan(demands, existing, others, calendar, start, unavailable=away,
                    engine=solver.engine, seconds_per_model=solver.seconds_per_model, workers=solver.workers,
                    max_meetings_per_model=solver.max_meetings_per_model)
    written = await _persist(deps, result.changes)

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


async def _demands(deps: SchedulerDeps, academic_year: str, groups: list[Group], existing: list[Meeting],
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


async def _planned_groups(deps: SchedulerDeps, unit_ids: list[str] | None) -> list[Group]:
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
        if previous.get("inputs_digest") == await inputs_digest(deps, await _planned_groups(deps, units)):
            continue
        log.info("inputs changed; re-planning", extra={"academic_year": year, "unit_ids": units})
        reports.append(await plan_year(deps, year, units))
    return reports


# ---- student-level meetings ---------------------------------------------------------------

@dataclass(frozen=True)
class StudentMeetingResult:
    status: str  # scheduled | exists | unplaced | ignored
    meeting: Meeting | None = None
    reason: str | None = None
    meeting_id: str | None = None


def _school_days_after(deps: SchedulerDeps, day: date, count: int) -> list[date]:
    days: list[date] = []
    year = academic_year_of(day)
    while len(days) < count:
        calendar = deps.config.calendar_for(year)
        days += [d for d in calendar.school_days if d > day][: count - len(days)]
        first = int(year.split("-")[1])
        if first > day.year + 2:
            break
        year = f"{first}-{first + 1}"
    return days


async def schedule_student_meeting(
    deps: SchedulerDeps, *, meeting_id: str, student_oid: str, theme: str, after: date, within_school_days: int,
    extra: list[Seat], referral_id: str | None = None, retry: dict[str, Any] | None = None,
) -> StudentMeetingResult:
    """The earliest slot within ``within_school_days`` school days after ``after`` where the student,
    the student's counselor and responsible teacher and the ``extra`` people are all free."""
    current = await deps.meetings.get(meeting_id)
    if current is not None:
        return StudentMeetingResult("exists", current, meeting_id=meeting_id)
    student = await deps.students.get(student_oid)
    if student is None:
        await _unplaced(deps, meeting_id, student_oid, referral_id, "student-unknown", retry)
        return StudentMeetingResult("unplaced", reason="student-unknown", meeting_id=meeting_id)
    group = await deps.groups.get(student.group_id)
    seats: list[Seat] = [Seat(student_oid, "student")]
    if group is not None and group.counselor_oid:
        seats.append(Seat(group.counselor_oid, "counselor"))
    seats.append(Seat(student.responsible_teacher_oid, "responsible-teacher"))
    seats += extra
    unique: dict[str, Seat] = {}
    for seat in seats:
        unique.setdefault(seat.person_oid, seat)
    seats = list(unique.values())
    today = deps.today()
    # never in the past (an old referral replayed from the log's start makes no meeting)
    days = [d for d in _school_days_after(deps, after, within_school_days) if d > today]
    people = tuple(s.person_oid for s in seats)
    busy = await deps.meetings.find(day_from=days[0], day_to=days[-1], planned_only=True) if days else []
    calendar = deps.config.calendar_for(academic_year_of(days[0] if days else after))
    occ = occupancy_with(busy, calendar, await deps.meetings.unavailable_days())
    found = first_common_slot(people, days, occ)
    if found is None:
        reason = why_no_slot(people, days, occ)
        await _unplaced(deps, meeting_id, student_oid, referral_id, reason)
        return StudentMeetingResult("unplaced", reason=reason, meeting_id=meeting_id)
    day, slot = found
    day_calendar = deps.config.calendar_for(academic_year_of(day))
    starts, ends = day_calendar.slot_times(day, slot)
    meeting = Meeting(
        meeting_id=meeting_id, kind="student", unit_id=student.unit_id, academic_year=academic_year_of(day),
        theme=theme, day=day, slot=slot, starts_at=starts, ends_at=ends, seats=tuple(seats),
        group_id=student.group_id, student_oid=student_oid, responsible_teacher_oid=student.responsible_teacher_oid,
        referral_id=referral_id,
    )
    written = await _persist(deps, [Change(SCHEDULED, meeting, "planned")])
    if not written:
        return StudentMeetingResult("exists", await deps.meetings.get(meeting_id), meeting_id=meeting_id)
    return StudentMeetingResult("scheduled", meeting, meeting_id=meeting_id)


async def _unplaced(deps: SchedulerDeps, meeting_id: str, student_oid: str, referral_id: str | None,
                    reason: str, retry: dict[str, Any] | None = None) -> None:
    log.warning("student-level meeting not placed", extra={"meeting_id": meeting_id, "reason": reason})
    record: dict[str, Any] = {"student_oid": student_oid, "referral_id": referral_id, "reason": reason,
                              "at": datetime.now(UTC).isoformat()}
    if retry is not None:
        record["retry"] = retry
    await deps.meetings.record_unplaced(meeting_id, record)


async def on_referral_made(deps: SchedulerDeps, event: ReferralMade) -> StudentMeetingResult:
    rules = deps.config.student_meetings
    if event.target not in rules.referral_targets:
        return StudentMeetingResult("ignored", reason=f"target-{event.target}-not-scheduled")
    extra = [Seat(event.assignee_oid, "specialist")] if event.assignee_oid else []
    made_on = event.made_at.astimezone(deps.config.calendar.zone).date()
    return await schedule_student_meeting(
        deps, meeting_id=referral_meeting_id(event.referral_id), student_oid=event.student_oid, theme=rules.theme,
        after=made_on, within_school_days=rules.within_school_days, extra=extra, referral_id=event.referral_id,
        retry={"referral": event.model_dump(mode="json")},
    )


async def retry_unknown_students(deps: SchedulerDeps) -> list[StudentMeetingResult]:
    """Referral meetings left unplaced because the student was not in the SIS view yet: tried
    again (the SIS record often arrives after the referral). A placed one's record is removed; one
    that finds no slot keeps its record with that reason (and is not tried again). The window
    still counts from the day the referral was made."""
    results = []
    for meeting_id, record in (await deps.meetings.unplaced_requests()).items():
        if record.get("reason") != "student-unknown" or "referral" not in record.get("retry", {}):
            continue
        if await deps.students.get(record["student_oid"]) is None:
            continue
        result = await on_referral_made(deps, ReferralMade.model_validate(record["retry"]["referral"]))
        if result.status in ("scheduled", "exists"):
            await deps.meetings.forget_unplaced(meeting_id)
        results.append(result)
    return results


async def request_student_meeting(deps: SchedulerDeps, *, student_oid: str, requested_by_oid: str,
                                  specialist_oid: str | None = None, within_school_days: int | None = None,
                                  request_key: str | None = None) -> StudentMeetingResult:
    """A meeting asked for by the student, the responsible teacher or the counselor, or agreed in a
    group meeting; the same request (same key) gives the same meeting."""
    today = deps.today()
    rules = deps.config.student_meetings
    meeting_id = requested_meeting_id(student_oid, requested_by_oid, request_key or today.isoformat())
    extra = [Seat(specialist_oid, "specialist")] if specialist_oid else []
    return await schedule_student_meeting(
        deps, meeting_id=meeting_id, student_oid=student_oid, theme=rules.request_theme, after=today,
        within_school_days=within_school_days or rules.within_school_days, extra=extra,
    )


# ---- changes by hand ------------------------------------------------------------------------

async def reschedule(deps: SchedulerDeps, meeting_id: str, starts_at: datetime, reason_code: str) -> Meeting:
    current = await deps.meetings.get(meeting_id)
    if current is None:
        raise NotFound(meeting_id)
    if not current.planned:
        raise Conflict("the meeting is cancelled")
    day, slot, calendar, busy = await _free_spot(deps, starts_at, meeting_id, current.required_oids)
    changed = replace(moved(current, calendar, day, slot), academic_year=current.academic_year, by_hand=True)
    changed = mark_optional_seats([changed], busy, await deps.meetings.unavailable_days(),
                                  calendar.cap).get(meeting_id, changed)
    await deps.meetings.save_one(changed, current.sequence, _entry(deps, RESCHEDULED, changed, reason_code))
    deps.notify(meeting_id)
    await _invitations_freed_by(deps, current)
    return changed


async def _invitations_freed_by(deps: SchedulerDeps, gone: Meeting) -> None:
    """A meeting moved or cancelled by hand: optional seats tentative because of it (that day)
    are marked again and re-invited when they can now be confirmed."""
    same_day = await deps.meetings.find(day_from=gone.day, day_to=gone.day, planned_only=True)
    named = [m for m in same_day if any(s.conflict == f"meeting:{gone.meeting_id}" for s in m.seats)]
    if not named:
        return
    calendar = deps.config.calendar_for(academic_year_of(gone.day))
    fixed = [m for m in same_day if m not in named]
    marked = mark_optional_seats(named, fixed, await deps.meetings.unavailable_days(), calendar.cap)
    await _persist(deps, [Change(RESCHEDULED, moved(m, calendar, m.day, m.slot, marked[m.meeting_id].seats),
                                 "participants-changed", m.sequence) for m in named if m.meeting_id in marked])


async def cancel(deps: SchedulerDeps, meeting_id: str, reason_code: str) -> Meeting:
    current = await deps.meetings.get(meeting_id)
    if current is None:
        raise NotFound(meeting_id)
    if not current.planned:
        raise Conflict("the meeting is already cancelled")
    changed = replace(cancelled(current), by_hand=True)
    await deps.meetings.save_one(changed, current.sequence, _entry(deps, CANCELLED, changed, reason_code))
    deps.notify(meeting_id)
    await _invitations_freed_by(deps, current)
    return changed


# ---- what the meetings service recorded ------------------------------------------------------

async def on_meeting_held(deps: SchedulerDeps, meeting_id: str, held_on: date) -> bool:
    """A meeting the meetings service recorded as held: the plan overview shows it held."""
    return await deps.meetings.mark_held(meeting_id, held_on)


# ---- conflicts a person decides (the plan overview page) ---------------------------------

GROUP_MEETING_ID = re.compile(r"^grp-(?P<group>.+)-(?P<year>\d{4}-\d{4})-r(?P<round>\d+)$")


async def round_demand(deps: SchedulerDeps, meeting_id: str) -> RoundDemand:
    """The round a group meeting id stands for, as the planner sees it today."""
    match = GROUP_MEETING_ID.match(meeting_id)
    if match is None:
        raise NotFound(meeting_id)
    year = match["year"]
    groups = [g for g in await _planned_groups(deps, None) if g.group_id == match["group"]]
    if not groups:
        raise NotFound(meeting_id)
    existing = await deps.meetings.find(academic_year=year, group_id=groups[0].group_id)
    start = max(deps.today(), year_bounds(year)[0])
    demands = await _demands(deps, year, groups, [m for m in existing if m.kind == "group"], start,
                             await deps.meetings.accepted_misses(year), await deps.meetings.unavailable_days(),
                             remember=False)
    demand = next((d for d in demands if d.meeting_id == meeting_id), None)
    if demand is None:
        raise NotFound(meeting_id)
    return demand


async def place_by_hand(deps: SchedulerDeps, meeting_id: str, starts_at: datetime,
                        counselor_oid: str | None = None) -> Meeting:
    """A round the planner left unplaced, put by a person on a day they chose (any school day of
    the year, also outside the round's window), optionally with another counselor. Re-plans keep
    it there (and keep the counselor) while everyone can still make it."""
    demand = await round_demand(deps, meeting_id)
    current = await deps.meetings.get(meeting_id)
    if current is not None and current.planned:
        raise Conflict("the round is planned already; reschedule the meeting instead")
    seats = tuple(Seat(counselor_oid, "counselor") if s.role == "counselor" and counselor_oid else s
                  for s in demand.seats)
    if counselor_oid and not any(s.role == "counselor" for s in seats):
        seats = (Seat(counselor_oid, "counselor"), *seats)
    day, slot, calendar, busy = await _free_spot(deps, starts_at, meeting_id,
                                                 tuple(dict.fromkeys(s.person_oid for s in seats if s.required)))
    if calendar.academic_year != demand.academic_year:
        raise InvalidRequest("the day is not in the round's academic year")
    meeting = replace(new_group_meeting(replace(demand, seats=seats), calendar, day, slot), by_hand=True,
                      sequence=current.sequence + 1 if current is not None else 0)
    meeting = mark_optional_seats([meeting], busy, await deps.meetings.unavailable_days(),
                                  calendar.cap).get(meeting_id, meeting)
    written = await _persist(deps, [Change(SCHEDULED, meeting, "placed-by-hand",
                                           current.sequence if current is not None else None)])
    if not written:
        raise Conflict("the round was changed meanwhile; reload")
    await deps.meetings.forget_accepted_miss(meeting_id)
    return meeting


async def accept_miss(deps: SchedulerDeps, meeting_id: str, by_oid: str | None) -> dict[str, Any]:
    """A person decides that a round will not be held this year: it is no longer reported as
    unplaced, and a catch-up does not spread it again."""
    demand = await round_demand(deps, meeting_id)
    current = await deps.meetings.get(meeting_id)
    if current is not None and current.planned:
        raise Conflict("the round is planned; cancel the meeting instead")
    record = {"group_id": demand.group_id, "unit_id": demand.unit_id, "round": demand.round,
              "academic_year": demand.academic_year, "on": deps.today().isoformat(), "by": by_oid}
    await deps.meetings.accept_miss(meeting_id, record)
    return record


async def _free_spot(deps: SchedulerDeps, starts_at: datetime, meeting_id: str,
                     people: tuple[str, ...]) -> tuple[date, int, Any, list[Meeting]]:
    """The school day and slot of ``starts_at`` when every one of ``people`` can make it."""
    if starts_at.tzinfo is None:
        raise InvalidRequest("starts_at needs a time zone offset")
    local_day = starts_at.astimezone(deps.config.calendar.zone).date()
    if local_day < deps.today():
        raise InvalidRequest("a meeting cannot be moved into the past")
    calendar = deps.config.calendar_for(academic_year_of(local_day))
    spot = calendar.slot_of(starts_at)
    if spot is None:
        raise InvalidRequest("starts_at is not the start of a meeting slot on a school day "
                             f"(slots start at {', '.join(t.strftime('%H:%M') for t in calendar.slots)})")
    day, slot = spot
    busy = [m for m in await deps.meetings.find(day_from=day, day_to=day, planned_only=True)
            if m.meeting_id != meeting_id]
    occ = occupancy_with(busy, calendar, await deps.meetings.unavailable_days())
    for person in people:
        if not occ.available(person, day):
            raise Conflict(f"participant {person} is unavailable on {day}")
        if occ.holder(person, day, slot) is not None:
            raise Conflict(f"participant {person} already has a meeting at that time")
        if occ.load(person, day) >= occ.cap:
            raise Conflict(f"participant {person} already has {occ.cap} meetings that day")
    return day, slot, calendar, busy


@dataclass(frozen=True)
class PlanView:
    """What the plan overview shows for some units of a year."""

    groups: list[Group]
    meetings: list[Meeting]
    #: The latest plan's unplaced rounds of these units (meeting id → item), decided or not.
    unplaced: dict[str, dict[str, Any]]
    missed: dict[str, dict[str, Any]]
    summary: dict[str, Any] | None


async def plan_view(deps: SchedulerDeps, academic_year: str, unit_ids: list[str]) -> PlanView:
    """The units' groups, the year's meetings, and per unit the unplaced rounds of the latest plan
    that covered it."""
    groups = await _planned_groups(deps, unit_ids)
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
