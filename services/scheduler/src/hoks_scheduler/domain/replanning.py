"""Planning a year again without duplicating anything.

Meeting ids are deterministic (group, year, round), so a second run finds the meetings of the
first. A planned meeting that is still valid (its day in the round's window, a school day, its
participants free and available) stays where it is and emits nothing; one whose participants
changed keeps its time if everybody can make it (rescheduled, same time); anything else is placed
again (rescheduled, next sequence). Meetings no longer needed (group ended or inactive, fewer
rounds) are cancelled. Meetings before ``from_day`` are history and are never touched; a
meeting cancelled by hand stays cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from hoks_scheduler.domain.calendar import AcademicCalendar
from hoks_scheduler.domain.meeting import Meeting, cancelled, moved
from hoks_scheduler.domain.occupancy import Occupancy
from hoks_scheduler.domain.planner import PlanOutcome, plan
from hoks_scheduler.domain.rounds import RoundDemand

SCHEDULED = "scheduled"
RESCHEDULED = "rescheduled"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Change:
    kind: str  # scheduled | rescheduled | cancelled
    meeting: Meeting
    reason_code: str
    previous_sequence: int | None = None
    theme_changed: bool = False


@dataclass
class ReplanResult:
    changes: list[Change] = field(default_factory=list)
    unplaced: dict[str, str] = field(default_factory=dict)
    kept: int = 0
    outcome: PlanOutcome = field(default_factory=PlanOutcome)
    occupancy: Occupancy | None = None


def occupancy_with(meetings: list[Meeting], calendar: AcademicCalendar,
                   unavailable: dict[str, set[date]] | None = None) -> Occupancy:
    """Everyone's reserved slots from planned meetings (conflicting leftovers are skipped)."""
    occ = Occupancy(len(calendar.slots), calendar.cap, unavailable)
    for meeting in sorted(meetings, key=lambda m: (m.starts_at, m.meeting_id)):
        if meeting.planned:
            free = tuple(p for p in meeting.required_oids if occ.holder(p, meeting.day, meeting.slot) is None)
            occ.reserve(meeting.meeting_id, free, meeting.day, meeting.slot)
    return occ


def new_group_meeting(demand: RoundDemand, calendar: AcademicCalendar, day: date, slot: int) -> Meeting:
    starts, ends = calendar.slot_times(day, slot)
    return Meeting(
        meeting_id=demand.meeting_id, kind="group", unit_id=demand.unit_id,
        academic_year=demand.academic_year, theme=demand.theme, day=day, slot=slot,
        starts_at=starts, ends_at=ends, seats=demand.seats, group_id=demand.group_id,
        round=demand.round, responsible_teacher_oid=demand.responsible_teacher_oid,
    )


def replan(
    demands: list[RoundDemand],
    existing: list[Meeting],
    others: list[Meeting],
    calendar: AcademicCalendar,
    from_day: date,
    *,
    unavailable: dict[str, set[date]] | None = None,
    engine: str = "cp-sat",
    seconds_per_model: float = 5.0,
    workers: int = 1,
    max_meetings_per_model: int = 40,
) -> ReplanResult:
    """``existing``: the group meetings of the planned scope and year; ``others``: every other
    planned meeting that holds people's time (student-level meetings, other units' rounds)."""
    result = ReplanResult()
    occ = occupancy_with(others, calendar, unavailable)
    result.occupancy = occ
    by_id = {m.meeting_id: m for m in existing}
    wanted = {d.meeting_id: d for d in demands}
    to_place: list[RoundDemand] = []

    # 1. history and still-valid meetings keep their slot
    for demand in sorted(demands, key=lambda d: (by_id[d.meeting_id].starts_at if d.meeting_id in by_id else
                                                   calendar.slot_times(d.reference_day, 0)[0], d.meeting_id)):
        current = by_id.get(demand.meeting_id)
        if current is not None and not current.planned and current.by_hand:
            result.kept += 1  # cancelled by hand: stays cancelled
            continue
        if current is None or not current.planned:
            to_place.append(demand)
            continue
        if current.day < from_day:
            free = tuple(p for p in current.required_oids if occ.holder(p, current.day, current.slot) is None)
            occ.reserve(current.meeting_id, free, current.day, current.slot)
            result.kept += 1
            continue
        people = demand.required_oids
        valid = (not demand.missing_roles and current.day in demand.window and calendar.is_school_day(current.day)
                 and current.slot < len(calendar.slots) and occ.fits(people, current.day, current.slot))
        if not valid:
            to_place.append(demand)
            continue
        occ.reserve(current.meeting_id, people, current.day, current.slot)
        if current.seats != demand.seats or current.theme != demand.theme:
            changed = replace(moved(current, calendar, current.day, current.slot, demand.seats), theme=demand.theme)
            reason = "participants-changed" if current.seats != demand.seats else "theme-changed"
            result.changes.append(Change(RESCHEDULED, changed, reason, current.sequence,
                                         theme_changed=current.theme != demand.theme))
        else:
            result.kept += 1

    # 2. the rest is planned
    outcome = plan(to_place, occ, from_day, engine=engine, seconds_per_model=seconds_per_model, workers=workers,
                   max_meetings_per_model=max_meetings_per_model)
    result.outcome = outcome
    for demand in to_place:
        current = by_id.get(demand.meeting_id)
        placement = outcome.placed.get(demand.meeting_id)
        if placement is None:
            result.unplaced[demand.meeting_id] = outcome.unplaced.get(demand.meeting_id, "not-placed")
            if current is not None and current.planned and current.day >= from_day:
                result.changes.append(Change(CANCELLED, cancelled(current), "cannot-be-placed", current.sequence))
            continue
        if current is None:
            result.changes.append(Change(SCHEDULED, new_group_meeting(demand, calendar, placement.day, placement.slot),
                                         "planned"))
        elif not current.planned:
            fresh = new_group_meeting(demand, calendar, placement.day, placement.slot)
            result.changes.append(Change(SCHEDULED, replace(fresh, sequence=current.sequence + 1), "replanned",
                                         current.sequence))
        else:
            changed = replace(moved(current, calendar, placement.day, placement.slot, demand.seats),
                              theme=demand.theme)
            result.changes.append(Change(RESCHEDULED, changed, "replanned", current.sequence,
                                         theme_changed=current.theme != demand.theme))

    # 3. what is no longer wanted is cancelled (history stays)
    for meeting in existing:
        if meeting.meeting_id not in wanted and meeting.planned and meeting.day >= from_day:
            result.changes.append(Change(CANCELLED, cancelled(meeting), "no-longer-needed", meeting.sequence))
    return result

