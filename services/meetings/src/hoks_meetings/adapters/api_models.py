"""Request and response bodies of the meetings API (OpenAPI). Inputs forbid unknown fields, so
free text cannot slip into a meeting record under another name: 422 with the reason."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hoks_meetings.domain.suggestions import Figures
from hoks_meetings.domain.vocabulary import ACTION_CODES, HOKS_UPDATES, REFERRAL_REASONS
from hoks_shared.contracts.vocabulary import ReferralOutcome
from hoks_shared.contracts.identifiers import Code, Oid
from hoks_shared.contracts.vocabulary import ChecklistOutcome, ReferralTarget

ReasonCode = Literal[REFERRAL_REASONS]  # type: ignore[valid-type]
HoksUpdateCode = Literal[HOKS_UPDATES]  # type: ignore[valid-type]
ActionCode = Literal[ACTION_CODES]  # type: ignore[valid-type]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class RowIn(_Input):
    """One student's checklist row: the model's four items, an outcome, a referral as codes."""

    hoks_checked: bool = Field(description="HOKS checked and up to date")
    measures_taken: bool = Field(description="The measures the HOKS requires have been taken")
    committed: bool = Field(description="The student is committed to the plan")
    progressing: bool = Field(description="Studies progress according to the HOKS")
    outcome: ChecklistOutcome
    referral_target: ReferralTarget | None = None
    referral_reason: ReasonCode | None = None
    theme_flags: list[Code] = Field(default_factory=list, max_length=10)


class AttendanceItem(_Input):
    person_oid: Oid
    present: bool


class AttendanceIn(_Input):
    attendance: list[AttendanceItem] = Field(min_length=1, max_length=20)


class ActionIn(_Input):
    action_code: ActionCode
    owner_oid: Oid
    due_date: date


class StudentRecordIn(_Input):
    """Student-level meeting: the agreed HOKS update and actions with owner and due date."""

    hoks_update: HoksUpdateCode
    actions: list[ActionIn] = Field(default_factory=list, max_length=20)
    referral_outcome: ReferralOutcome | None = Field(
        default=None, description="The meeting of a referral: close it with this outcome in the same step "
                                  "(none: it stays open; an action is its next step)")


class ParticipantOut(BaseModel):
    person_oid: str
    role: str
    present: bool | None = None


class MeetingSummary(BaseModel):
    meeting_id: str
    kind: str
    unit_id: str
    group_id: str | None
    student_oid: str | None
    theme: str | None
    round: int | None
    starts_at: datetime
    ends_at: datetime
    status: str
    my_role: str | None = None


class RowOut(BaseModel):
    student_oid: str
    hoks_checked: bool
    measures_taken: bool
    committed: bool
    progressing: bool
    outcome: str
    referral_target: str | None
    referral_reason: str | None
    theme_flags: list[str]
    overridden: list[str] = []
    saved_at: datetime | None = None


class ChecklistLineOut(BaseModel):
    student_oid: str
    display_name: str | None
    study_type: str | None
    figures: Figures  # the domain's figures as they are (numbers and codes)
    signals: list[str]
    suggestion: RowOut
    confirmed: RowOut | None


class StudentRecordOut(BaseModel):
    hoks_update: str
    actions: list[ActionIn]
    referral_outcome: str | None = None


class MeetingDetail(MeetingSummary):
    agenda: list[str]
    theme_items: list[str]
    participants: list[ParticipantOut]
    can_edit: bool
    lines: list[ChecklistLineOut]
    confirmed_rows: int
    student_record: StudentRecordOut | None = None
    completed_at: datetime | None = None


class CompletionOut(BaseModel):
    meeting_id: str
    status: Literal["held"] = "held"
    event_ids: list[str]
    rows: int
    referrals: int


class Vocabulary(BaseModel):
    outcomes: list[str]
    referral_targets: list[str]
    referral_reasons: list[str]
    hoks_updates: list[str]
    action_codes: list[str]
    themes: dict[str, list[str]]
