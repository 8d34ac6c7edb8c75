"""What a meeting records, and the rules of the model that guard it.

* A group-level meeting stores no free text about a student: each row holds the four items of
  the model (booleans), an outcome, and for a referral a target and a reason **code** from a
  closed list; theme items are codes of the theme. Welfare targets keep only the fact.
* Rows are saved one by one as staff go (drafts); completion needs a confirmed row for every
  student of the roster and emits ``checklist-completed`` (and ``meeting-held``).
* A student-level meeting is completed only when the student's presence is recorded; it records
  the agreed HOKS update and actions, each with an owner and a due date.
* A completed or cancelled meeting no longer changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from hoks_meetings.domain.errors import MeetingClosed, RuleBroken, StudentNotOnChecklist
from hoks_meetings.domain.meeting_record import MeetingRecord
from hoks_meetings.domain.suggestions import Suggestion
from hoks_meetings.domain.themes import theme_of
from hoks_meetings.domain.vocabulary import (
    ACTION_CODES,
    CHECK_ITEMS,
    HOKS_UPDATES,
    REFERRAL_REASONS,
    REFERRAL_TARGETS,
    WELFARE_REASON,
    is_welfare,
    item_code,
    stored_reason,
)
from hoks_shared.contracts.vocabulary import ChecklistOutcome, ReferralOutcome, reasons_for

OUTCOMES: tuple[str, ...] = tuple(o.value for o in ChecklistOutcome)
EDITOR_ROLES = frozenset({"counselor", "responsible-teacher"})
#: A student-level meeting is recorded by any staff member taking part (e.g. the specialist who
#: received the referral); a group meeting by its counselor and responsible teacher.
STUDENT_MEETING_EDITOR_ROLES = frozenset({"counselor", "responsible-teacher", "special-needs-teacher", "curator",
                                          "specialist"})
#: Outcomes a referral may be closed with in its student-level meeting (a welfare target keeps
#: only ``handed-over``, whatever is chosen: the referrals service minimises it).
MEETING_REFERRAL_OUTCOMES: tuple[str, ...] = tuple(
    o.value for o in ReferralOutcome if o not in (ReferralOutcome.VALPAS_NOTIFIED, ReferralOutcome.HANDED_OVER))


@dataclass(frozen=True)
class RowInput:
    """What staff confirm for one student: the model's four items, an outcome, a referral as codes."""

    hoks_checked: bool
    measures_taken: bool
    committed: bool
    progressing: bool
    outcome: str
    referral_target: str | None = None
    referral_reason: str | None = None
    theme_flags: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RowDraft(RowInput):
    """A student's confirmed row as saved (a draft until the meeting is completed)."""

    student_oid: str
    #: What the data suggested when the row was confirmed (items + outcome) and its signals.
    suggested: dict[str, object] = field(default_factory=dict)
    signals: tuple[str, ...] = ()
    study_type: str | None = None
    saved_by: str | None = None
    saved_at: datetime | None = None

    def overridden(self) -> tuple[str, ...]:
        """The items (codes) whose confirmed value differs from the suggestion."""
        changed = [item_code(i) for i in CHECK_ITEMS if i in self.suggested and self.suggested[i] != getattr(self, i)]
        if "outcome" in self.suggested and self.suggested["outcome"] != self.outcome:
            changed.append("outcome")
        return tuple(changed)


@dataclass(frozen=True)
class AgreedAction:
    action_code: str
    owner_oid: str
    due_date: date


@dataclass(frozen=True)
class StudentRecord:
    """Student-level meeting: the agreed HOKS update and actions."""

    hoks_update: str
    actions: tuple[AgreedAction, ...] = ()
    #: the referral's outcome, closing it in the same step; None keeps it open (an action is its next step)
    referral_outcome: str | None = None


@dataclass(frozen=True)
class MeetingWork:
    """What has been recorded in the meeting so far."""

    rows: dict[str, RowDraft] = field(default_factory=dict)
    attendance: dict[str, bool] = field(default_factory=dict)
    student_record: StudentRecord | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None


def ensure_open(meeting: MeetingRecord) -> None:
    if meeting.status == "held":
        raise MeetingClosed("the meeting is already completed; its record no longer changes")
    if meeting.status == "cancelled":
        raise MeetingClosed("the meeting was cancelled")


def editor_roles(meeting: MeetingRecord) -> frozenset[str]:
    """The participant roles that may fill in ``meeting``."""
    return STUDENT_MEETING_EDITOR_ROLES if meeting.kind == "student" else EDITOR_ROLES


def editor_role(meeting: MeetingRecord, staff_oid: str | None) -> str | None:
    """The participant role that lets ``staff_oid`` fill in the meeting, if any."""
    for p in meeting.participants:
        if p.person_oid == staff_oid and p.role in editor_roles(meeting):
            return p.role
    return None


def suggested_items(suggestion: Suggestion) -> dict[str, object]:
    return {**{i: getattr(suggestion, i) for i in CHECK_ITEMS}, "outcome": suggestion.outcome}


def check_row(meeting: MeetingRecord, roster: set[str], row: RowDraft) -> RowDraft:
    """The row as it may be stored, or ``RuleBroken`` with the reason."""
    ensure_open(meeting)
    if row.student_oid not in roster:
        raise StudentNotOnChecklist()
    if row.outcome not in OUTCOMES:
        raise RuleBroken(f"outcome must be one of {', '.join(OUTCOMES)}")
    if row.outcome == "referral":
        if row.referral_target not in REFERRAL_TARGETS:
            raise RuleBroken(f"a referral needs a target, one of {', '.join(REFERRAL_TARGETS)}")
        if row.referral_reason not in REFERRAL_REASONS:
            raise RuleBroken(f"a referral needs a reason code, one of {', '.join(REFERRAL_REASONS)}")
        if row.referral_reason == WELFARE_REASON and not is_welfare(row.referral_target):
            raise RuleBroken("the reason 'welfare' is for welfare targets only (curator, psychologist, "
                                "multi-professional group); a pedagogical referral needs a pedagogical reason")
        if stored_reason(row.referral_target, row.referral_reason) not in reasons_for(row.referral_target):
            raise RuleBroken(f"the reason {row.referral_reason!r} does not fit the target {row.referral_target}; "
                                f"one of {', '.join(sorted(reasons_for(row.referral_target)))}")
        row = RowDraft(**{**row.__dict__, "referral_reason": stored_reason(row.referral_target, row.referral_reason)})
    elif row.referral_target is not None or row.referral_reason is not None:
        raise RuleBroken("a referral target and reason are given only when the outcome is 'referral'")
    allowed = theme_of(meeting.theme).items
    unknown = [f for f in row.theme_flags if f not in allowed]
    if unknown:
        raise RuleBroken(f"unknown theme items {unknown}; this theme has {list(allowed)}")
    return row


def check_attendance(meeting: MeetingRecord, attendance: dict[str, bool]) -> None:
    ensure_open(meeting)
    people = {p.person_oid for p in meeting.participants}
    unknown = sorted(set(attendance) - people)
    if unknown:
        raise RuleBroken(f"not participants of this meeting: {unknown}")


def check_student_record(meeting: MeetingRecord, record: StudentRecord) -> None:
    ensure_open(meeting)
    if meeting.kind != "student":
        raise RuleBroken("a HOKS update and actions are recorded in student-level meetings only")
    if record.hoks_update not in HOKS_UPDATES:
        raise RuleBroken(f"hoks_update must be one of {', '.join(HOKS_UPDATES)}")
    for action in record.actions:
        if action.action_code not in ACTION_CODES:
            raise RuleBroken(f"action_code must be one of {', '.join(ACTION_CODES)}")
        if action.due_date < meeting.starts_at.date():
            raise RuleBroken("an action's due date cannot be before the meeting")
    if record.referral_outcome is not None:
        if meeting.referral_id is None:
            raise RuleBroken("a referral outcome is recorded only in the student-level meeting of a referral")
        if record.referral_outcome not in MEETING_REFERRAL_OUTCOMES:
            raise RuleBroken(f"referral_outcome must be one of {', '.join(MEETING_REFERRAL_OUTCOMES)}")
    elif meeting.referral_id is not None and not record.actions:
        raise RuleBroken("close the referral with an outcome, or keep it open with a next step: "
                            "an action with its owner and due date")


def effective_attendance(meeting: MeetingRecord, work: MeetingWork) -> dict[str, bool]:
    """Recorded attendance; staff not marked are taken as present, a student only when recorded."""
    return {p.person_oid: work.attendance.get(p.person_oid, p.role not in ("student", "guardian"))
            for p in meeting.participants}


def check_complete(meeting: MeetingRecord, roster: list[str], work: MeetingWork) -> list[RowDraft]:
    """The rows to publish when the meeting can be completed; ``RuleBroken`` otherwise."""
    ensure_open(meeting)
    if meeting.kind == "student":
        student = meeting.student_oid
        if work.attendance.get(student or "") is not True:
            raise RuleBroken("a student-level meeting is completed only with the student's presence recorded")
        if work.student_record is None:
            raise RuleBroken("record the agreed HOKS update (and actions) before completing")
        return [work.rows[student]] if student in work.rows else []
    if not roster:
        raise RuleBroken("the checklist has no students")
    missing = [s for s in roster if s not in work.rows]
    if missing:
        raise RuleBroken(f"{len(missing)} student row(s) not confirmed yet")
    return [work.rows[s] for s in roster]
