"""The API's response bodies built from the use cases' results (records and views → pydantic)."""

from __future__ import annotations

from hoks_meetings.adapters.api_models import (
    ActionIn,
    ChecklistLineOut,
    MeetingDetail,
    MeetingSummary,
    ParticipantOut,
    RowOut,
    StudentRecordOut,
)
from hoks_meetings.domain.checklist import RowDraft, effective_attendance
from hoks_meetings.domain.meeting_record import MeetingRecord
from hoks_meetings.domain.suggestions import Suggestion
from hoks_meetings.domain.themes import theme_of
from hoks_meetings.handlers import MeetingView


def summary(meeting: MeetingRecord, viewer_oid: str | None) -> MeetingSummary:
    me = meeting.participant(viewer_oid)
    return MeetingSummary(meeting_id=meeting.meeting_id, kind=meeting.kind, unit_id=meeting.unit_id,
                          group_id=meeting.group_id, student_oid=meeting.student_oid, theme=meeting.theme,
                          round=meeting.round, starts_at=meeting.starts_at, ends_at=meeting.ends_at,
                          status=meeting.status, my_role=me.role if me else None)


def row_out(row: RowDraft) -> RowOut:
    return RowOut(student_oid=row.student_oid, hoks_checked=row.hoks_checked, measures_taken=row.measures_taken,
                  committed=row.committed, progressing=row.progressing, outcome=row.outcome,
                  referral_target=row.referral_target, referral_reason=row.referral_reason,
                  theme_flags=list(row.theme_flags), overridden=list(row.overridden()), saved_at=row.saved_at)


def suggestion_out(student_oid: str, s: Suggestion) -> RowOut:
    return RowOut(student_oid=student_oid, hoks_checked=s.hoks_checked, measures_taken=s.measures_taken,
                  committed=s.committed, progressing=s.progressing, outcome=s.outcome,
                  referral_target=s.referral_target, referral_reason=s.referral_reason,
                  theme_flags=list(s.theme_flags))


def detail(view: MeetingView, viewer_oid: str | None) -> MeetingDetail:
    m = view.meeting
    present = effective_attendance(m, view.work)
    record = view.work.student_record
    return MeetingDetail(
        **summary(m, viewer_oid).model_dump(),
        agenda=list(view.agenda), theme_items=list(theme_of(m.theme).items),
        participants=[ParticipantOut(person_oid=p.person_oid, role=p.role,
                                     present=view.work.attendance.get(p.person_oid, present.get(p.person_oid)))
                      for p in m.participants],
        can_edit=view.can_edit,
        lines=[ChecklistLineOut(
            student_oid=line.facts.student_oid, display_name=line.facts.display_name,
            study_type=line.facts.study_type,
            figures=line.suggestion.figures,
            signals=list(line.suggestion.signals),
            suggestion=suggestion_out(line.facts.student_oid, line.suggestion),
            confirmed=row_out(line.row) if line.row else None,
        ) for line in view.lines],
        confirmed_rows=view.confirmed,
        student_record=StudentRecordOut(hoks_update=record.hoks_update, actions=[
            ActionIn(action_code=a.action_code, owner_oid=a.owner_oid, due_date=a.due_date)  # type: ignore[arg-type]
            for a in record.actions], referral_outcome=record.referral_outcome) if record else None,
        completed_at=view.work.completed_at,
    )
