"""Changes by hand: a meeting moved to a time a person chose, or cancelled; and a meeting the
meetings service recorded as held."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from hoks_scheduler.domain.calendar import AcademicCalendar, academic_year_of
from hoks_scheduler.domain.errors import Conflict, InvalidRequest, MeetingNotFound
from hoks_scheduler.domain.meeting import Meeting, cancelled, moved
from hoks_scheduler.domain.optional_seats import mark_optional_seats
from hoks_scheduler.domain.replanning import CANCELLED, RESCHEDULED, Change, occupancy_with
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_shared.contracts.meetings import MeetingHeld


@dataclass(frozen=True)
class Reschedule:
    meeting_id: str
    starts_at: datetime
    reason_code: str


@dataclass(frozen=True)
class Cancel:
    meeting_id: str
    reason_code: str


async def reschedule(cmd: Reschedule, deps: SchedulerDeps) -> Meeting:
    current = await _planned(deps, cmd.meeting_id, "the meeting is cancelled")
    day, slot, calendar, busy = await free_spot(deps, cmd.starts_at, cmd.meeting_id, current.required_oids)
    changed = replace(moved(current, calendar, day, slot), academic_year=current.academic_year, by_hand=True)
    changed = mark_optional_seats([changed], busy, await deps.meetings.unavailable_days(),
                                  calendar.cap).get(cmd.meeting_id, changed)
    await deps.meetings.save_one(Change(RESCHEDULED, changed, cmd.reason_code, current.sequence))
    await _invitations_freed_by(deps, current)
    return changed


async def cancel(cmd: Cancel, deps: SchedulerDeps) -> Meeting:
    current = await _planned(deps, cmd.meeting_id, "the meeting is already cancelled")
    changed = replace(cancelled(current), by_hand=True)
    await deps.meetings.save_one(Change(CANCELLED, changed, cmd.reason_code, current.sequence))
    await _invitations_freed_by(deps, current)
    return changed


async def on_meeting_held(event: MeetingHeld, deps: SchedulerDeps) -> bool:
    """A meeting the meetings service recorded as held: the plan overview shows it held. False:
    not one of the scheduler's meetings."""
    return await deps.meetings.mark_held(event.meeting_id, event.held_on)


async def _planned(deps: SchedulerDeps, meeting_id: str, if_cancelled: str) -> Meeting:
    current = await deps.meetings.get(meeting_id)
    if current is None:
        raise MeetingNotFound(meeting_id=meeting_id)
    if not current.planned:
        raise Conflict(if_cancelled)
    return current


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
    await deps.meetings.save([Change(RESCHEDULED, moved(m, calendar, m.day, m.slot, marked[m.meeting_id].seats),
                                     "participants-changed", m.sequence) for m in named if m.meeting_id in marked])


async def free_spot(deps: SchedulerDeps, starts_at: datetime, meeting_id: str,
                    people: tuple[str, ...]) -> tuple[date, int, AcademicCalendar, list[Meeting]]:
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
