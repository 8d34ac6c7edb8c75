"""A meeting as the meetings service keeps it: what was planned, and its lifecycle.

Rules held here:
* a later calendar change (higher ``sequence``) wins; an older or repeated one changes nothing;
* a cancelled meeting stays cancelled unless a newer schedule revives it;
* a held (completed) meeting no longer follows the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from hoks_shared.contracts.meetings import MeetingCancelled, MeetingRescheduled, MeetingScheduled


@dataclass(frozen=True)
class Participant:
    person_oid: str
    role: str


@dataclass(frozen=True)
class MeetingRecord:
    meeting_id: str
    kind: str
    unit_id: str
    group_id: str | None
    student_oid: str | None
    academic_year: str | None
    round: int | None
    theme: str | None
    starts_at: datetime
    ends_at: datetime
    participants: tuple[Participant, ...] = field(default_factory=tuple)
    status: str = "planned"  # planned | cancelled | held
    sequence: int = 0
    responsible_teacher_oid: str | None = None
    referral_id: str | None = None
    #: N of "round n/N": the group's rounds this year as the scheduler planned them.
    rounds_in_year: int | None = None

    def participant(self, person_oid: str | None) -> Participant | None:
        return next((p for p in self.participants if p.person_oid == person_oid), None)

    def person_with_role(self, role: str) -> str | None:
        return next((p.person_oid for p in self.participants if p.role == role), None)


def from_scheduled(event: MeetingScheduled) -> MeetingRecord:
    return MeetingRecord(
        meeting_id=event.meeting_id,
        kind=event.kind,
        unit_id=event.unit_id,
        group_id=event.group_id,
        student_oid=event.student_oid,
        academic_year=event.academic_year,
        round=event.round,
        theme=event.theme,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        participants=tuple(Participant(p.person_oid, p.role) for p in event.participants),
        sequence=event.sequence,
        responsible_teacher_oid=event.responsible_teacher_oid,
        referral_id=event.referral_id,
        rounds_in_year=event.rounds_in_year,
    )


def apply_change(
    current: MeetingRecord | None, event: MeetingScheduled | MeetingRescheduled | MeetingCancelled
) -> MeetingRecord | None:
    """The record after ``event``, or ``None`` when the event changes nothing (older or unknown)."""
    if isinstance(event, MeetingScheduled):
        if current is not None and (current.sequence >= event.sequence or current.status == "held"):
            return None
        return from_scheduled(event)
    if current is None or current.sequence >= event.sequence or current.status == "held":
        return None
    if isinstance(event, MeetingRescheduled):
        return replace(
            current,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            participants=tuple(Participant(p.person_oid, p.role) for p in event.participants),
            status="planned",
            sequence=event.sequence,
        )
    return replace(current, status="cancelled", sequence=event.sequence)
