"""The events a completed meeting emits, built from its record (OIDs and codes only).

Their ids are derived from the meeting (``deterministic_event_id``): a completion retried after
a lost answer stages the same ids, so consumers drop a repeat.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from hoks_meetings.domain.checklist import MeetingWork, RowDraft, effective_attendance
from hoks_meetings.domain.meeting_record import MeetingRecord
from hoks_meetings.domain.timing import local_date
from hoks_shared.contracts.envelope import deterministic_event_id
from hoks_shared.contracts.meetings import (
    AgreedAction,
    AttendanceEntry,
    ChecklistCompleted,
    ChecklistRow,
    MeetingHeld,
    ReferralRequest,
)
from hoks_shared.store.outbox_writes import Outgoing


def _subject(meeting: MeetingRecord) -> dict[str, object]:
    return dict(meeting_id=meeting.meeting_id, kind=meeting.kind, unit_id=meeting.unit_id,
                group_id=meeting.group_id, student_oid=meeting.student_oid,
                academic_year=meeting.academic_year or "", round=meeting.round, theme=meeting.theme or "general")


def checklist_row(row: RowDraft) -> ChecklistRow:
    referral = (ReferralRequest(target=row.referral_target, reason_code=row.referral_reason)  # type: ignore[arg-type]
                if row.outcome == "referral" else None)
    return ChecklistRow(
        student_oid=row.student_oid, hoks_checked=row.hoks_checked, measures_taken=row.measures_taken,
        committed=row.committed, progressing=row.progressing, outcome=row.outcome,  # type: ignore[arg-type]
        referral=referral, theme_flags=list(row.theme_flags), study_type=row.study_type,
        suggestions=list(row.signals), overridden=list(row.overridden()),
    )


def checklist_completed(meeting: MeetingRecord, rows: list[RowDraft], *, responsible_teacher_oid: str,
                        completed_by: str, completed_at: datetime) -> ChecklistCompleted:
    counselor = meeting.person_with_role("counselor") or completed_by
    return ChecklistCompleted(
        **_subject(meeting), responsible_teacher_oid=responsible_teacher_oid, counselor_oid=counselor,
        completed_by_oid=completed_by, completed_at=completed_at, rows=[checklist_row(r) for r in rows],
    )


def meeting_held(meeting: MeetingRecord, work: MeetingWork, *, responsible_teacher_oid: str | None,
                 completed_at: datetime, checklist_rows: int, completed_by: str | None = None,
                 held_on: date | None = None) -> MeetingHeld:
    present = effective_attendance(meeting, work)
    record = work.student_record
    return MeetingHeld(
        **_subject(meeting), held_on=held_on or completed_at.date(),
        attendance=[AttendanceEntry(person_oid=p.person_oid, role=p.role, present=present[p.person_oid])  # type: ignore[arg-type]
                    for p in meeting.participants],
        responsible_teacher_oid=responsible_teacher_oid,
        hoks_update=record.hoks_update if record else None,
        actions=[AgreedAction(action_code=a.action_code, owner_oid=a.owner_oid, due_date=a.due_date)
                 for a in (record.actions if record else ())],
        checklist_rows=checklist_rows,
        referral_id=meeting.referral_id,
        referral_outcome=record.referral_outcome if record else None,
        recorded_by_oid=completed_by,
    )


def completion_events(meeting: MeetingRecord, work: MeetingWork, rows: list[RowDraft], *,
                      responsible_teacher_oid: str, completed_by: str, completed_at: datetime,
                      zone: tzinfo) -> list[Outgoing]:
    """What completing the meeting emits, in order: ``checklist-completed`` (when it has rows)
    and ``meeting-held`` (held on the provider's day in ``zone``)."""
    events = []
    if rows:
        completed = checklist_completed(meeting, rows, responsible_teacher_oid=responsible_teacher_oid,
                                        completed_by=completed_by, completed_at=completed_at)
        events.append(Outgoing(completed, event_id=deterministic_event_id(completed.event_type, meeting.meeting_id)))
    held = meeting_held(meeting, work, responsible_teacher_oid=responsible_teacher_oid, completed_at=completed_at,
                        checklist_rows=len(rows), completed_by=completed_by, held_on=local_date(completed_at, zone))
    events.append(Outgoing(held, event_id=deterministic_event_id(held.event_type, meeting.meeting_id)))
    return events
