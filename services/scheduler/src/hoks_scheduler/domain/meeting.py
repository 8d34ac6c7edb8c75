"""A planned meeting as the scheduler keeps it, its changes, and the events they emit."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from hoks_scheduler.domain.calendar import AcademicCalendar
from hoks_scheduler.domain.rounds import Seat
from hoks_shared.contracts.meetings import MeetingCancelled, MeetingRescheduled, MeetingScheduled

PLANNED = "planned"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    kind: str  # group | student
    unit_id: str
    academic_year: str
    theme: str
    day: date
    slot: int
    starts_at: datetime
    ends_at: datetime
    seats: tuple[Seat, ...]
    group_id: str | None = None
    student_oid: str | None = None
    round: int | None = None
    #: The group's rounds this year (N of "round n/N"); None for student-level meetings.
    rounds_in_year: int | None = None
    responsible_teacher_oid: str | None = None
    referral_id: str | None = None
    status: str = PLANNED
    sequence: int = 0
    #: Changed by hand (rescheduled or cancelled through the API): a re-plan leaves a cancelled
    #: one cancelled, and moves a rescheduled one only when it is no longer valid.
    by_hand: bool = False
    #: The day the meetings service recorded it held (``meeting-held``); None: not (yet) held.
    held_on: date | None = None
    #: Student-level meetings: when it was asked for (the referral's ``made_at``, a request's
    #: time), which orders competing requests, and the first and last school day it may take
    #: place on (``student_meetings.place_in_request_order``).
    requested_at: datetime | None = None
    window: tuple[date, date] | None = None

    @property
    def required_oids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.person_oid for s in self.seats if s.required))

    @property
    def person_oids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.person_oid for s in self.seats))

    @property
    def planned(self) -> bool:
        return self.status == PLANNED


def at_slot(meeting: Meeting, calendar: AcademicCalendar, day: date, slot: int) -> Meeting:
    starts, ends = calendar.slot_times(day, slot)
    return replace(meeting, day=day, slot=slot, starts_at=starts, ends_at=ends)


def moved(meeting: Meeting, calendar: AcademicCalendar, day: date, slot: int,
          seats: tuple[Seat, ...] | None = None) -> Meeting:
    """The meeting at a new time (and/or with new participants): the next sequence."""
    changed = at_slot(meeting, calendar, day, slot)
    return replace(changed, seats=seats if seats is not None else meeting.seats, status=PLANNED,
                   sequence=meeting.sequence + 1)


def cancelled(meeting: Meeting) -> Meeting:
    return replace(meeting, status=CANCELLED, sequence=meeting.sequence + 1)


def _participants(meeting: Meeting) -> list[dict[str, object]]:
    return [{"person_oid": s.person_oid, "role": s.role, "required": s.required} for s in meeting.seats]


def _subject(meeting: Meeting) -> dict[str, object]:
    return dict(meeting_id=meeting.meeting_id, kind=meeting.kind, unit_id=meeting.unit_id,
                group_id=meeting.group_id, student_oid=meeting.student_oid)


def scheduled_event(meeting: Meeting) -> MeetingScheduled:
    return MeetingScheduled(
        **_subject(meeting), starts_at=meeting.starts_at, ends_at=meeting.ends_at,
        participants=_participants(meeting), academic_year=meeting.academic_year, round=meeting.round,
        rounds_in_year=meeting.rounds_in_year, theme=meeting.theme, responsible_teacher_oid=meeting.responsible_teacher_oid,
        referral_id=meeting.referral_id, sequence=meeting.sequence,
    )


def rescheduled_event(meeting: Meeting, reason_code: str, theme_changed: bool = False) -> MeetingRescheduled:
    return MeetingRescheduled(**_subject(meeting), starts_at=meeting.starts_at, ends_at=meeting.ends_at,
                              participants=_participants(meeting), reason_code=reason_code,
                              sequence=meeting.sequence, theme=meeting.theme if theme_changed else None)


def cancelled_event(meeting: Meeting, reason_code: str) -> MeetingCancelled:
    return MeetingCancelled(**_subject(meeting), reason_code=reason_code, sequence=meeting.sequence)
