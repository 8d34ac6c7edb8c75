"""Request and response bodies of the scheduler's HTTP API (validated: bad input is a 422)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hoks_scheduler.domain.meeting import Meeting
from hoks_shared.contracts.identifiers import AcademicYear, Code, LocalId, Oid


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    academic_year: AcademicYear = Field(examples=["2026-2027"])
    unit_ids: list[LocalId] | None = Field(default=None, min_length=1, max_length=200,
                                           description="Units to plan; omit for the whole provider (directors)")
    from_day: date | None = Field(default=None, description="Plan from this day on (default: today); "
                                  "meetings before it are history and never move")


class StudentMeetingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    student_oid: Oid
    specialist_oid: Oid | None = Field(default=None, description="A specialist to invite as well")
    within_school_days: int | None = Field(default=None, ge=1, le=60)
    request_key: LocalId | None = Field(default=None, description="Idempotency key: the same key gives the "
                                        "same meeting (default: one request per requester, student and day)")


class RescheduleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime = Field(description="Start of a slot on a school day, with an offset")
    reason_code: Code = Field(examples=["staff-absent"])


class CancelRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason_code: Code = Field(examples=["group-ended"])


class UnavailabilityRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: list[date] = Field(max_length=400, description="Days the person takes no meetings (replaces the list)")


class ParticipantOut(BaseModel):
    person_oid: str
    role: str
    required: bool
    tentative: bool = Field(default=False, description="Optional seat with a clash: the person decides")
    conflict: str | None = Field(default=None, description="The clash: meeting:<id>, unavailable or daily-cap")


class MeetingOut(BaseModel):
    meeting_id: str
    kind: str
    status: str
    sequence: int
    unit_id: str
    academic_year: str
    theme: str
    starts_at: datetime
    ends_at: datetime
    participants: list[ParticipantOut]
    group_id: str | None = None
    student_oid: str | None = None
    round: int | None = None
    referral_id: str | None = None

    @classmethod
    def of(cls, m: Meeting) -> MeetingOut:
        return cls(meeting_id=m.meeting_id, kind=m.kind, status=m.status, sequence=m.sequence, unit_id=m.unit_id,
                   academic_year=m.academic_year, theme=m.theme, starts_at=m.starts_at, ends_at=m.ends_at,
                   participants=[ParticipantOut(person_oid=s.person_oid, role=s.role, required=s.required,
                                                 tentative=s.tentative, conflict=s.conflict)
                                 for s in m.seats],
                   group_id=m.group_id, student_oid=m.student_oid, round=m.round, referral_id=m.referral_id)


class StudentMeetingOut(BaseModel):
    status: str = Field(description="scheduled, or exists when the same request was made before")
    meeting: MeetingOut


class FeedOut(BaseModel):
    url: str = Field(description="Subscribe to this URL in Outlook or Google Calendar; keep it secret")


PlanReport = dict[str, Any]
