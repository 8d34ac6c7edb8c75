"""Meeting events: planned by the scheduler, held and checked by the meetings service."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.codes import OutcomeCode, ReasonCode
from hoks_shared.contracts.identifiers import AcademicYear, Code, LocalId, Oid
from hoks_shared.contracts.vocabulary import (
    ChecklistOutcome,
    MeetingKind,
    ParticipantRole,
    ReferralTarget,
)


class Participant(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, use_enum_values=True)

    person_oid: Oid
    role: ParticipantRole
    required: bool = True


class _MeetingSubject(IntegrationEvent):
    """Fields that place a meeting: a group meeting has a group, a student meeting a student."""

    meeting_id: LocalId
    kind: MeetingKind
    unit_id: LocalId
    group_id: LocalId | None = None
    student_oid: Oid | None = None

    @model_validator(mode="after")
    def _subject_matches_kind(self) -> Self:
        if self.kind == MeetingKind.GROUP and not self.group_id:
            raise ValueError("a group-level meeting needs group_id")
        if self.kind == MeetingKind.STUDENT and not self.student_oid:
            raise ValueError("a student-level meeting needs student_oid")
        return self

    def partition_key(self) -> str:
        return self.group_id if self.kind == MeetingKind.GROUP else self.student_oid  # type: ignore[return-value]

    def subject(self) -> str:
        return self.meeting_id


class _MeetingTime(BaseModel):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    participants: list[Participant] = Field(min_length=1)

    @model_validator(mode="after")
    def _time_and_people(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if getattr(self, "kind", None) == MeetingKind.STUDENT and not any(
            p.role == ParticipantRole.STUDENT and p.person_oid == getattr(self, "student_oid", None)
            for p in self.participants
        ):
            raise ValueError("a student-level meeting must have the student among its participants")
        return self


class MeetingScheduled(_MeetingSubject, _MeetingTime):
    """A follow-up meeting was put in the calendar (``meeting-scheduled``)."""

    EVENT_TYPE = "meeting-scheduled"
    event_type: Literal["meeting-scheduled"] = "meeting-scheduled"

    academic_year: AcademicYear
    round: int | None = Field(default=None, ge=1, le=12, description="Group round number in the year")
    rounds_in_year: int | None = Field(
        default=None, ge=1, le=12,
        description="Group rounds of this group this year (the scheduler's configuration per study type): "
        "the N of 'round n/N'; absent on student-level meetings and from older producers")
    theme: Code = Field(description="e.g. start-of-studies, absence-mapping, study-progress, final-phase")
    responsible_teacher_oid: Oid | None = None
    referral_id: LocalId | None = Field(default=None, description="The referral that caused it")
    sequence: int = Field(default=0, ge=0, description="iCalendar SEQUENCE; grows on every change")


class MeetingRescheduled(_MeetingSubject, _MeetingTime):
    """A planned meeting moved or its participants changed (``meeting-rescheduled``)."""

    EVENT_TYPE = "meeting-rescheduled"
    event_type: Literal["meeting-rescheduled"] = "meeting-rescheduled"

    reason_code: Code
    sequence: int = Field(ge=1)
    theme: Code | None = Field(default=None, description="The new theme, when re-planning changed it "
                               "(e.g. the group's planned end moved); None: unchanged")


class MeetingCancelled(_MeetingSubject):
    """A planned meeting will not take place (``meeting-cancelled``)."""

    EVENT_TYPE = "meeting-cancelled"
    event_type: Literal["meeting-cancelled"] = "meeting-cancelled"

    reason_code: Code
    sequence: int = Field(ge=1)


MeetingScheduleEvent = Annotated[
    MeetingScheduled | MeetingRescheduled | MeetingCancelled, Field(discriminator="event_type")
]


class ReferralRequest(BaseModel):
    """A referral decided in a meeting: structured only, no free text."""

    model_config = ConfigDict(extra="ignore", frozen=True, use_enum_values=True)

    target: ReferralTarget
    reason_code: ReasonCode


class ChecklistRow(BaseModel):
    """One student's line of the group-level HOKS checklist. Structured items only."""

    model_config = ConfigDict(extra="ignore", frozen=True, use_enum_values=True)

    student_oid: Oid
    hoks_checked: bool
    measures_taken: bool
    committed: bool
    progressing: bool
    outcome: ChecklistOutcome
    referral: ReferralRequest | None = None
    theme_flags: list[Code] = Field(
        default_factory=list,
        max_length=20,
        description="Codes of the theme's own items that were marked (e.g. absence-over-threshold)",
    )
    study_type: Code | None = Field(default=None, description="The student's study type (pt, at, eat, ...)")
    suggestions: list[Code] = Field(
        default_factory=list,
        max_length=20,
        description="What the data suggested (e.g. points-behind-plan, hoks-stale, absence-over-threshold, "
                    "study-right-interrupted)",
    )
    overridden: list[Code] = Field(
        default_factory=list,
        max_length=10,
        description="Items whose confirmed value differs from the data's suggestion "
                    "(hoks-checked, measures-taken, committed, progressing, outcome)",
    )

    @model_validator(mode="after")
    def _referral_iff_outcome(self) -> Self:
        if (self.outcome == ChecklistOutcome.REFERRAL) != (self.referral is not None):
            raise ValueError("a referral is given exactly when the outcome is 'referral'")
        return self


class ChecklistCompleted(_MeetingSubject):
    """The HOKS checklist of a meeting was completed (``checklist-completed``).

    Consumers: referrals (rows with a referral outcome) and reporting (per-teacher figures).
    """

    EVENT_TYPE = "checklist-completed"
    event_type: Literal["checklist-completed"] = "checklist-completed"

    academic_year: AcademicYear
    round: int | None = Field(default=None, ge=1, le=12)
    theme: Code
    responsible_teacher_oid: Oid
    counselor_oid: Oid
    completed_by_oid: Oid
    completed_at: AwareDatetime
    rows: list[ChecklistRow] = Field(min_length=1, max_length=200)


class AttendanceEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, use_enum_values=True)

    person_oid: Oid
    role: ParticipantRole
    present: bool


class AgreedAction(BaseModel):
    """An action agreed in a student-level meeting: a code, an owner and a due date; no free text."""

    model_config = ConfigDict(extra="ignore", frozen=True, use_enum_values=True)

    action_code: Code
    owner_oid: Oid
    due_date: date


class MeetingHeld(_MeetingSubject):
    """A meeting took place and its record was completed (``meeting-held``)."""

    EVENT_TYPE = "meeting-held"
    event_type: Literal["meeting-held"] = "meeting-held"

    academic_year: AcademicYear
    round: int | None = Field(default=None, ge=1, le=12)
    theme: Code
    held_on: date
    attendance: list[AttendanceEntry] = Field(min_length=1)
    responsible_teacher_oid: Oid | None = None
    hoks_update: Code | None = Field(default=None, description="Student-level: the agreed HOKS update (code)")
    actions: list[AgreedAction] = Field(default_factory=list, max_length=30,
                                        description="Student-level: agreed actions with owner and due date")
    checklist_rows: int | None = Field(default=None, ge=0, description="Rows of the completed checklist")
    referral_id: LocalId | None = Field(default=None, description="Student-level: the referral this meeting handled")
    referral_outcome: OutcomeCode | None = Field(
        default=None, description="Student-level meeting of a referral: the outcome it was closed with in the same "
                                  "step; none = the referral stays open, its next step being one of the actions")
    recorded_by_oid: Oid | None = Field(default=None, description="Who recorded (completed) the meeting")

    @model_validator(mode="after")
    def _student_present(self) -> Self:
        if self.kind == MeetingKind.STUDENT and not any(
            a.role == ParticipantRole.STUDENT and a.present for a in self.attendance
        ):
            raise ValueError("a student-level meeting is held only with the student present")
        return self


MeetingOutcomeEvent = Annotated[ChecklistCompleted | MeetingHeld, Field(discriminator="event_type")]
