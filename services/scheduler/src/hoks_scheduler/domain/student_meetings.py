"""Student-level meetings (opiskelijakohtainen): the student is always among the participants.

Which request gets a contested slot does not depend on the order the requests arrive in (a
referral read before or after another one on another partition): requests are placed in *request
order* — by the time they were made (a referral's ``made_at``), ties by meeting id — each at the
first common free slot of its window left by the fixed plan (group rounds, meetings changed by
hand, held or past ones) and by the requests before it. A request that arrives after a request
that comes later in that order takes its place, and the later ones are placed again by the same
rule (``place_in_request_order``): the slots end up as if every request had arrived in request
order. The price: a meeting already announced can move (``meeting-rescheduled``,
``slot-taken-by-earlier-request``) when an earlier-made request arrives late.

So that this stays rare, a referral's request first *settles* (``settled``): it is held, unplaced,
until it has waited ``settle``, and then placed with every pending request made before it, in
request order — an earlier-made request that arrives within the window is placed first, and
nothing moves. Only one that arrives later than the window (a fault, a backlog) moves others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from hoks_scheduler.domain.calendar import AcademicCalendar, academic_year_of
from hoks_scheduler.domain.meeting import Meeting, cancelled, moved
from hoks_scheduler.domain.occupancy import Occupancy
from hoks_scheduler.domain.replanning import CANCELLED, RESCHEDULED, Change
from hoks_scheduler.domain.rounds import Seat

#: Reasons of the changes a late, earlier-made request causes.
TAKEN = "slot-taken-by-earlier-request"
NO_SLOT_LEFT = "no-slot-after-earlier-request"


@dataclass(frozen=True)
class StudentMeetingRules:
    within_school_days: int = 10
    theme: str = "referral-follow-up"
    request_theme: str = "student-meeting"
    referral_targets: frozenset[str] = frozenset(
        {"special-needs-teacher", "counselor", "career-services", "student-meeting"}
    )


def referral_meeting_id(referral_id: str) -> str:
    """One meeting per referral, however often the referral event arrives."""
    return f"stu-{referral_id}"


def requested_meeting_id(student_oid: str, requested_by_oid: str, request_key: str) -> str:
    """One meeting per request: the requester's key (e.g. the day asked) makes it repeatable."""
    digest = hashlib.sha256(f"{student_oid}|{requested_by_oid}|{request_key}".encode()).hexdigest()[:16]
    return f"stu-req-{digest}"


def settled(pending: Mapping[str, tuple[datetime, datetime]], now: datetime,
            settle: timedelta) -> list[str]:
    """Which pending requests to place now (``pending``: meeting id → when it was made, when it
    arrived), in request order: those that arrived ``settle`` or more ago, and with them every
    pending request made before the last of them (it would take their slot otherwise, only to give
    it up when they are placed). The window counts from the arrival by the scheduler's own clock:
    a ``made_at`` is the sender's clock, and a backlog's is long past."""
    due = [(made, meeting_id) for meeting_id, (made, arrived) in pending.items() if arrived + settle <= now]
    if not due:
        return []
    last = max(due)
    return [meeting_id for made, meeting_id in sorted((made, i) for i, (made, _) in pending.items())
            if (made, meeting_id) <= last]


def first_common_slot(people: tuple[str, ...], days: list[date], occ: Occupancy) -> tuple[date, int] | None:
    """The earliest school day and slot where every participant is free and under the daily cap."""
    for day in days:
        if occ.day_open(people, day):
            slot = occ.free_slot(people, day)
            if slot is not None:
                return day, slot
    return None


def why_no_slot(people: tuple[str, ...], days: list[date], occ: Occupancy) -> str:
    if not days:
        return "no-school-day-in-period"
    if not any(all(occ.available(p, d) for p in people) for d in days):
        return "participant-unavailable"
    if not any(occ.day_open(people, d) for d in days):
        return "daily-cap-reached"
    return "no-common-free-slot"


@dataclass(frozen=True)
class StudentRequest:
    """A student-level meeting to place: its people, the school days it may take, its place in
    the request order."""

    meeting_id: str
    people: tuple[str, ...]
    days: tuple[date, ...]
    requested_at: datetime

    @property
    def order(self) -> tuple[datetime, str]:
        return self.requested_at, self.meeting_id


def place_in_request_order(requests: Iterable[StudentRequest],
                           occ: Occupancy) -> dict[str, tuple[date, int] | None]:
    """Each request, in request order, at its first common free slot (``occ`` holds the fixed
    plan; each placed request is added to it). Depends on the set of requests, not their order."""
    placed: dict[str, tuple[date, int] | None] = {}
    for request in sorted(requests, key=lambda r: r.order):
        found = first_common_slot(request.people, list(request.days), occ)
        if found is not None:
            occ.reserve(request.meeting_id, request.people, *found)
        placed[request.meeting_id] = found
    return placed


def comes_after(meeting: Meeting, request: StudentRequest, today: date) -> bool:
    """A planned student-level meeting that ``request`` may move: placed by the rule (not by
    hand), made later in request order, not held and still ahead (after ``today``)."""
    return (meeting.kind == "student" and meeting.planned and not meeting.by_hand and meeting.held_on is None
            and meeting.requested_at is not None and meeting.window is not None and meeting.day > today
            and (meeting.requested_at, meeting.meeting_id) > request.order)


def request_of(meeting: Meeting, school_days: Callable[[date, date], list[date]], today: date) -> StudentRequest:
    """A placed student-level meeting as a request again: its window's school days after ``today``."""
    assert meeting.window is not None and meeting.requested_at is not None
    first, last = meeting.window
    days = tuple(d for d in school_days(first, last) if d > today)
    return StudentRequest(meeting.meeting_id, meeting.required_oids, days, meeting.requested_at)


def displaced(meetings: Iterable[Meeting], placed: dict[str, tuple[date, int] | None],
              calendar_for: Callable[[str], AcademicCalendar]) -> list[Change]:
    """The changes of the meetings whose place in request order moved (none when it did not)."""
    changes = []
    for meeting in meetings:
        spot = placed.get(meeting.meeting_id, (meeting.day, meeting.slot))
        if spot == (meeting.day, meeting.slot):
            continue
        if spot is None:
            changes.append(Change(CANCELLED, cancelled(meeting), NO_SLOT_LEFT, meeting.sequence))
            continue
        day, slot = spot
        year = academic_year_of(day)
        changes.append(Change(RESCHEDULED, replace(moved(meeting, calendar_for(year), day, slot), academic_year=year),
                              TAKEN, meeting.sequence))
    return changes


def new_student_meeting(request: StudentRequest, *, seats: tuple[Seat, ...], unit_id: str, group_id: str,
                        student_oid: str, responsible_teacher_oid: str, theme: str, window: tuple[date, date],
                        calendar: AcademicCalendar, day: date, slot: int, referral_id: str | None) -> Meeting:
    starts, ends = calendar.slot_times(day, slot)
    return Meeting(
        meeting_id=request.meeting_id, kind="student", unit_id=unit_id, academic_year=calendar.academic_year,
        theme=theme, day=day, slot=slot, starts_at=starts, ends_at=ends, seats=seats, group_id=group_id,
        student_oid=student_oid, responsible_teacher_oid=responsible_teacher_oid, referral_id=referral_id,
        requested_at=request.requested_at, window=window,
    )
