"""Response models of the report API (they document it in OpenAPI)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Figures(BaseModel):
    students: int = Field(description="Current students (active study right) of the teacher's groups")
    groups: int
    students_checked: int = Field(description="Students reviewed in the round's group meetings")
    hoks_checked: int
    measures_taken: int
    committed: int
    progressing: int
    hoks_update_needed: int
    referral_outcomes: int = Field(description="Rows of the round's checklists that ended in a referral")
    referrals_open: int = Field(description="Referrals made in the year, still open (by the student's teacher)")
    referrals_overdue: int
    referrals_closed: int
    student_meetings_held: int
    group_meetings_held: int
    group_meetings_planned: int
    group_meetings_target: int = Field(description="the groups' rounds this year as the scheduler planned them "
                                       "(rounds_in_year per study type); a group with no planned meeting yet counts 5")
    hoks_not_updated: int = Field(description="Current students whose HOKS was not updated in stale_months")
    absence_flags: int = Field(description="Current students over the unexcused-absence threshold this year")
    final_phase: int = Field(description="Current students expected to complete within the next months")
    referrals_by_target: dict[str, dict[str, int]] = Field(default_factory=dict)
    theme_flags: dict[str, int] = Field(default_factory=dict)


class TeacherRow(Figures):
    teacher_oid: str | None
    teacher_name: str | None = None


class UnitReport(BaseModel):
    unit_id: str
    academic_year: str
    round: int
    as_of: str
    teachers: list[TeacherRow]
    total: Figures


class GroupRow(Figures):
    group_id: str


class TeacherDetail(BaseModel):
    unit_id: str
    teacher_oid: str
    teacher_name: str | None = None
    academic_year: str
    round: int
    as_of: str
    total: Figures
    groups: list[GroupRow]


class StudentRow(BaseModel):
    student_oid: str
    name: str | None = Field(default=None, description="Only for the unit's manager/director and the group's teacher")
    active: bool
    checked: bool
    hoks_checked: bool
    measures_taken: bool
    committed: bool
    progressing: bool
    hoks_update_needed: bool
    referral_outcomes: bool
    hoks_not_updated: bool
    absence_flags: bool
    final_phase: bool
    hoks_updated_month: str | None
    estimated_end_month: str | None
    referrals_open: int
    referrals_overdue: int
    referrals_closed: int


class Period(BaseModel):
    academic_year: str
    round: int


class TrendPoint(BaseModel):
    academic_year: str
    round: int
    students_checked: int
    hoks_checked_pct: int | None
    measures_taken_pct: int | None
    committed_pct: int | None
    progressing_pct: int | None
    hoks_update_needed_pct: int | None
    referral_outcomes_pct: int | None
    group_meetings_held: int


class CounselorRow(BaseModel):
    counselor_oid: str
    counselor_name: str | None = None
    students_checked: int
    group_meetings_planned: int
    group_meetings_held: int
    student_meetings_planned: int
    student_meetings_held: int


class UnitSummary(BaseModel):
    unit_id: str
    students: int
    groups: int
