"""Student-level meetings (opiskelijakohtainen): the student is always among the participants."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from hoks_scheduler.domain.occupancy import Occupancy


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
