"""Student-level meetings: one a referral starts (``referral-made``), one a person asks for, and
the periodic retry of referrals that came before their student's SIS record. Which request gets
a contested slot follows the request order (``domain.student_meetings``), not arrival; a
referral's request settles first (``place_settled_requests``), so that the order rarely moves a
meeting already announced."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hoks_scheduler.domain.calendar import academic_year_of
from hoks_scheduler.domain.meeting import Meeting
from hoks_scheduler.domain.replanning import CANCELLED, SCHEDULED, Change, occupancy_with
from hoks_scheduler.domain.rounds import Seat
from hoks_scheduler.domain.student_meetings import (
    StudentRequest,
    comes_after,
    displaced,
    new_student_meeting,
    place_in_request_order,
    referral_meeting_id,
    request_of,
    requested_meeting_id,
    settled,
    why_no_slot,
)
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_shared.contracts.referrals import ReferralMade

log = logging.getLogger(__name__)

#: A referral's request held until it has settled (``domain.student_meetings.settled``).
PENDING = "pending"


@dataclass(frozen=True)
class StudentMeetingResult:
    status: str  # scheduled | exists | unplaced | ignored | pending (settling, placed later)
    meeting: Meeting | None = None
    reason: str | None = None
    meeting_id: str | None = None


@dataclass(frozen=True)
class RequestStudentMeeting:
    """Asked for by the student, the responsible teacher or the counselor, or agreed in a group
    meeting; the same ``request_key`` (default: the day) gives the same meeting."""

    student_oid: str
    requested_by_oid: str
    specialist_oid: str | None = None
    within_school_days: int | None = None
    request_key: str | None = None


@dataclass(frozen=True)
class ScheduleStudentMeeting:
    """The earliest free slot within ``within_school_days`` school days after ``after`` for the
    student, the student's counselor and responsible teacher and the ``extra`` people."""

    meeting_id: str
    student_oid: str
    theme: str
    after: date
    within_school_days: int
    requested_at: datetime
    extra: tuple[Seat, ...] = ()
    referral_id: str | None = None
    #: Kept with a ``student-unknown`` record so the periodic retry can run the request again.
    retry: dict[str, Any] | None = None


async def on_referral_made(event: ReferralMade, deps: SchedulerDeps) -> StudentMeetingResult:
    """With a settle window (``deps.settle``) the request is held as pending and placed by
    ``place_settled_requests`` once it has settled; without, at once."""
    if event.target not in deps.config.student_meetings.referral_targets:
        return StudentMeetingResult("ignored", reason=f"target-{event.target}-not-scheduled")
    if deps.settle <= timedelta(0):
        return await schedule_student_meeting(_referral_request(event, deps), deps)
    meeting_id = referral_meeting_id(event.referral_id)
    current = await deps.meetings.get(meeting_id)
    if current is not None:
        return StudentMeetingResult("exists", current, meeting_id=meeting_id)
    await deps.meetings.hold_pending(meeting_id, {"referral": event.model_dump(mode="json"),
                                                  "received_at": deps.now().isoformat()})
    return StudentMeetingResult(PENDING, meeting_id=meeting_id)


async def place_settled_requests(deps: SchedulerDeps) -> list[StudentMeetingResult]:
    """The pending requests that have settled (``domain.student_meetings.settled``), placed
    together in request order (the periodic pass, every second). Each is forgotten once handled:
    placed, found placed, or recorded in ``unplaced_requests`` with the reason it has no slot (or
    that its student is unknown)."""
    pending = await deps.meetings.pending_requests()
    held = {meeting_id: ReferralMade.model_validate(r["referral"]) for meeting_id, r in pending.items()}
    due = settled({meeting_id: (event.made_at, datetime.fromisoformat(pending[meeting_id]["received_at"]))
                   for meeting_id, event in held.items()}, deps.now(), deps.settle)
    results = []
    for meeting_id in due:
        result = await schedule_student_meeting(_referral_request(held[meeting_id], deps), deps)
        if result.status in ("scheduled", "exists"):
            await deps.meetings.forget_unplaced(meeting_id)  # e.g. a student-unknown record retried
        await deps.meetings.forget_pending(meeting_id)
        results.append(result)
    return results


def _referral_request(event: ReferralMade, deps: SchedulerDeps) -> ScheduleStudentMeeting:
    rules = deps.config.student_meetings
    extra = (Seat(event.assignee_oid, "specialist"),) if event.assignee_oid else ()
    made_on = event.made_at.astimezone(deps.config.calendar.zone).date()
    return ScheduleStudentMeeting(
        meeting_id=referral_meeting_id(event.referral_id), student_oid=event.student_oid, theme=rules.theme,
        after=made_on, within_school_days=rules.within_school_days, requested_at=event.made_at, extra=extra,
        referral_id=event.referral_id, retry={"referral": event.model_dump(mode="json")},
    )


async def request_student_meeting(cmd: RequestStudentMeeting, deps: SchedulerDeps) -> StudentMeetingResult:
    today = deps.today()
    rules = deps.config.student_meetings
    meeting_id = requested_meeting_id(cmd.student_oid, cmd.requested_by_oid, cmd.request_key or today.isoformat())
    extra = (Seat(cmd.specialist_oid, "specialist"),) if cmd.specialist_oid else ()
    return await schedule_student_meeting(ScheduleStudentMeeting(
        meeting_id=meeting_id, student_oid=cmd.student_oid, theme=rules.request_theme, after=today,
        within_school_days=cmd.within_school_days or rules.within_school_days, requested_at=deps.now(), extra=extra,
    ), deps)


async def retry_unknown_students(deps: SchedulerDeps) -> list[StudentMeetingResult]:
    """Referral meetings left unplaced because the student was not in the SIS view yet: tried
    again (the SIS record often arrives after the referral). A placed one's record is removed; one
    that finds no slot keeps its record with that reason (and is not tried again). The window
    still counts from the day the referral was made."""
    waiting = {meeting_id: ReferralMade.model_validate(record["retry"]["referral"])
               for meeting_id, record in (await deps.meetings.unplaced_requests()).items()
               if record.get("reason") == "student-unknown" and "referral" in record.get("retry", {})}
    results = []
    # in request order, as the consumer applies a batch: the earliest-made first
    for meeting_id, event in sorted(waiting.items(), key=lambda item: (item[1].made_at, item[0])):
        if await deps.students.get(event.student_oid) is None:
            continue
        result = await on_referral_made(event, deps)
        if result.status in ("scheduled", "exists"):
            await deps.meetings.forget_unplaced(meeting_id)
        results.append(result)
    return results


async def schedule_student_meeting(cmd: ScheduleStudentMeeting, deps: SchedulerDeps) -> StudentMeetingResult:
    """Places the request in request order: the meetings made later that it displaces are
    placed again (rescheduled, or cancelled when no slot is left for them)."""
    current = await deps.meetings.get(cmd.meeting_id)
    if current is not None:
        return StudentMeetingResult("exists", current, meeting_id=cmd.meeting_id)
    student = await deps.students.get(cmd.student_oid)
    if student is None:
        return await _unplaced(deps, cmd, "student-unknown", cmd.retry)
    group = await deps.groups.get(student.group_id)
    seats: list[Seat] = [Seat(cmd.student_oid, "student")]
    if group is not None and group.counselor_oid:
        seats.append(Seat(group.counselor_oid, "counselor"))
    seats.append(Seat(student.responsible_teacher_oid, "responsible-teacher"))
    unique: dict[str, Seat] = {}
    for seat in (*seats, *cmd.extra):
        unique.setdefault(seat.person_oid, seat)
    window = _school_days_after(deps, cmd.after, cmd.within_school_days)
    today = deps.today()
    # never in the past (an old referral replayed from the log's start makes no meeting)
    request = StudentRequest(cmd.meeting_id, tuple(unique), tuple(d for d in window if d > today), cmd.requested_at)
    if not request.days:
        return await _unplaced(deps, cmd, "no-school-day-in-period")
    first = request.days[0]
    later = [m for m in await deps.meetings.find(day_from=first, planned_only=True, kind="student")
             if comes_after(m, request, today)]
    last = max([request.days[-1], *(m.window[1] for m in later if m.window)])
    around = await deps.meetings.find(day_from=first, day_to=last, planned_only=True)
    calendar = deps.config.calendar_for(academic_year_of(first))
    away = await deps.meetings.unavailable_days()
    moving = {m.meeting_id for m in later}
    fixed = occupancy_with([m for m in around if m.meeting_id not in moving], calendar, away)
    again = [request_of(m, lambda a, b: _school_days_between(deps, a, b), today) for m in later]
    placed = place_in_request_order([request, *again], fixed)
    spot = placed[request.meeting_id]
    if spot is None:
        reason = why_no_slot(request.people, list(request.days), occupancy_with(around, calendar, away))
        return await _unplaced(deps, cmd, reason)
    day, slot = spot
    meeting = new_student_meeting(
        request, seats=tuple(unique.values()), unit_id=student.unit_id, group_id=student.group_id,
        student_oid=cmd.student_oid, responsible_teacher_oid=student.responsible_teacher_oid, theme=cmd.theme,
        window=(window[0], window[-1]), calendar=deps.config.calendar_for(academic_year_of(day)), day=day, slot=slot,
        referral_id=cmd.referral_id)
    if not await deps.meetings.save([Change(SCHEDULED, meeting, "planned")]):
        return StudentMeetingResult("exists", await deps.meetings.get(cmd.meeting_id), meeting_id=cmd.meeting_id)
    moves = displaced(later, placed, deps.config.calendar_for)
    written = set(await deps.meetings.save(moves))
    for change in moves:
        if change.kind == CANCELLED and change.meeting.meeting_id in written:
            log.warning("student-level meeting displaced", extra={"meeting_id": change.meeting.meeting_id})
            await deps.meetings.record_unplaced(change.meeting.meeting_id, _record(
                change.meeting.student_oid or "", change.meeting.referral_id, change.reason_code))
    return StudentMeetingResult("scheduled", meeting, meeting_id=cmd.meeting_id)


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


def _school_days_between(deps: SchedulerDeps, first: date, last: date) -> list[date]:
    """The school days from ``first`` to ``last`` (both included), across a year boundary too."""
    years = dict.fromkeys([academic_year_of(first), academic_year_of(last)])
    return [d for year in years for d in deps.config.calendar_for(year).school_days if first <= d <= last]


def _record(student_oid: str, referral_id: str | None, reason: str,
            retry: dict[str, Any] | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"student_oid": student_oid, "referral_id": referral_id, "reason": reason,
                              "at": datetime.now(UTC).isoformat()}
    if retry is not None:
        record["retry"] = retry
    return record


async def _unplaced(deps: SchedulerDeps, cmd: ScheduleStudentMeeting, reason: str,
                    retry: dict[str, Any] | None = None) -> StudentMeetingResult:
    log.warning("student-level meeting not placed", extra={"meeting_id": cmd.meeting_id, "reason": reason})
    await deps.meetings.record_unplaced(cmd.meeting_id, _record(cmd.student_oid, cmd.referral_id, reason, retry))
    return StudentMeetingResult("unplaced", reason=reason, meeting_id=cmd.meeting_id)
