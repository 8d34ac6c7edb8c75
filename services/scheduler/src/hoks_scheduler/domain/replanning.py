"""Planning a year again without duplicating anything.

Meeting ids are deterministic (group, year, round), so a second run finds the meetings of the
first. A planned meeting that is still valid (its day in the round's reach — the window, widened
— or anywhere when it was placed by hand, a school day, its participants free and available, the
group's rounds in order) stays where it is and emits nothing; one whose participants
changed keeps its time if everybody can make it (rescheduled, same time); anything else is placed
again (rescheduled, next sequence). Meetings no longer needed (group ended or inactive, fewer
rounds) are cancelled. Meetings before ``from_day`` are history and are never touched; a
meeting cancelled by hand stays cancelled. Last, optional seats are marked confirmed or
tentative over the final plan (``optional_seats``); a changed mark re-invites the meeting.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from hoks_scheduler.domain.calendar import AcademicCalendar
from hoks_scheduler.domain.meeting import Meeting, cancelled, moved
from hoks_scheduler.domain.occupancy import Occupancy
from hoks_scheduler.domain.optional_seats import mark_optional_seats
from hoks_scheduler.domain.planner import PlanOutcome, RoundDays, plan
from hoks_scheduler.domain.rounds import RoundDemand, Seat, same_people

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
        round=demand.round, rounds_in_year=demand.rounds_in_year,
        responsible_teacher_oid=demand.responsible_teacher_oid,
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
    kept_days: RoundDays = {}
    staying: list[tuple[Meeting, RoundDemand]] = []

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
            kept_days.setdefault(demand.group_id, {})[demand.round] = current.day
            result.kept += 1
            continue
        seats = seats_for(current, demand)
        people = tuple(dict.fromkeys(s.person_oid for s in seats if s.required))
        allowed = current.by_hand or current.day in (demand.reach or demand.window)
        valid = (not demand.missing_roles and allowed and calendar.is_school_day(current.day)
                 and current.slot < len(calendar.slots) and occ.fits(people, current.day, current.slot))
        if not valid:
            to_place.append(demand)
            continue
        occ.reserve(current.meeting_id, people, current.day, current.slot)
        staying.append((current, demand))

    # 1b. the group's rounds stay in order: a kept round on or before an earlier round's day moves
    for current, demand in sorted(staying, key=lambda cd: (cd[1].group_id, cd[1].round)):
        earlier = [d for r, d in kept_days.get(demand.group_id, {}).items() if r < demand.round]
        later = [d for r, d in kept_days.get(demand.group_id, {}).items() if r > demand.round]
        if (earlier and current.day <= max(earlier)) or (later and current.day >= min(later)):
            occ.release(current.meeting_id, current.required_oids, current.day, current.slot)
            to_place.append(demand)
            continue
        kept_days.setdefault(demand.group_id, {})[demand.round] = current.day
        seats = seats_for(current, demand)
        if not same_people(current.seats, seats) or current.theme != demand.theme:
            changed = replace(moved(current, calendar, current.day, current.slot, seats), theme=demand.theme)
            reason = "participants-changed" if not same_people(current.seats, seats) else "theme-changed"
            result.changes.append(Change(RESCHEDULED, changed, reason, current.sequence,
                                         theme_changed=current.theme != demand.theme))
        else:
            result.kept += 1
    for current, _ in staying:
        if kept_days.get(current.group_id or "", {}).get(current.round or 0) == current.day:
            occ.invite(current.meeting_id, [s.person_oid for s in current.seats if not s.required],
                       current.day, current.slot)

    # 2. the rest is planned
    outcome = plan(to_place, occ, from_day, engine=engine, seconds_per_model=seconds_per_model, workers=workers,
                   max_meetings_per_model=max_meetings_per_model, previous=kept_days)
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

    # 4. optional seats: confirmed where the person is free, else tentative with the clash named
    mark_invitations(result, existing, others, calendar, from_day, unavailable or {})
    return result


def seats_for(current: Meeting, demand: RoundDemand) -> tuple[Seat, ...]:
    """The demand's seats, with the invitation marks the meeting has, and with the counselor
    chosen by hand when the meeting was placed by hand with another counselor."""
    marks = {s.person_oid: s for s in current.seats}
    substitute = next((s for s in current.seats if s.role == "counselor"), None) if current.by_hand else None
    seats = []
    for seat in demand.seats:
        if substitute is not None and seat.role == "counselor":
            seat = substitute
        mark = marks.get(seat.person_oid)
        if mark is not None and not seat.required and mark.person == seat.person:
            seat = replace(seat, tentative=mark.tentative, conflict=mark.conflict)
        seats.append(seat)
    return tuple(seats)


def mark_invitations(result: ReplanResult, existing: list[Meeting], others: list[Meeting],
                     calendar: AcademicCalendar, from_day: date, unavailable: dict[str, set[date]]) -> None:
    final = {m.meeting_id: m for m in existing if m.planned}
    final.update({c.meeting.meeting_id: c.meeting for c in result.changes})
    future = [m for m in final.values() if m.planned and m.day >= from_day]
    past = [m for m in final.values() if m.planned and m.day < from_day]
    marked = mark_optional_seats(future, [*others, *past], unavailable, calendar.cap)
    if not marked:
        return
    for i, change in enumerate(result.changes):
        if change.meeting.meeting_id in marked:
            result.changes[i] = replace(change, meeting=replace(change.meeting,
                                                                seats=marked.pop(change.meeting.meeting_id).seats))
    for meeting_id, meeting in sorted(marked.items()):
        current = final[meeting_id]
        result.changes.append(Change(RESCHEDULED, moved(current, calendar, current.day, current.slot, meeting.seats),
                                     "participants-changed", current.sequence))
        result.kept -= 1

