"""``/meetings/{id}/attendance`` and ``/student-record``: what the meeting recorded besides rows."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from hoks_meetings.adapters.api_models import AttendanceIn, ParticipantOut, StudentRecordIn, StudentRecordOut
from hoks_meetings.adapters.http_access import EDITORS, MeetingId, viewer_of
from hoks_meetings.adapters.routes import meetings_router
from hoks_meetings.domain.checklist import AgreedAction, StudentRecord
from hoks_meetings.handlers import (
    Deps,
    RecordAttendance,
    RecordStudentOutcome,
    record_attendance,
    record_student_outcome,
)
from hoks_shared.auth import Allow, AuditDep, Principal


def routes(deps: Deps) -> APIRouter:
    router = meetings_router()

    @router.put("/{meeting_id}/attendance", response_model=list[ParticipantOut],
                summary="Record who attended (the student's presence for a student-level meeting)")
    async def put_attendance(meeting_id: MeetingId, body: AttendanceIn, audit: AuditDep,
                             principal: Principal = Depends(Allow(*EDITORS))) -> list[ParticipantOut]:
        attendance = {a.person_oid: a.present for a in body.attendance}
        work = await record_attendance(RecordAttendance(meeting_id, attendance, viewer_of(principal)), deps)
        await audit.record(principal, action="update", resource="meeting-attendance", resource_id=meeting_id,
                           endpoint="PUT /meetings/{meeting_id}/attendance")
        return [ParticipantOut(person_oid=oid, role="", present=present) for oid, present in work.attendance.items()]

    @router.put("/{meeting_id}/student-record", response_model=StudentRecordOut,
                summary="Student-level meeting: the agreed HOKS update and actions (owner, due date)")
    async def put_student_record(meeting_id: MeetingId, body: StudentRecordIn, audit: AuditDep,
                                 principal: Principal = Depends(Allow(*EDITORS))) -> StudentRecordOut:
        record = StudentRecord(str(body.hoks_update), tuple(AgreedAction(str(a.action_code), a.owner_oid, a.due_date)
                                                            for a in body.actions),
                               str(body.referral_outcome) if body.referral_outcome else None)
        await record_student_outcome(RecordStudentOutcome(meeting_id, record, viewer_of(principal)), deps)
        meeting = await deps.meetings.get(meeting_id)
        await audit.record(principal, action="update", resource="meeting-student-record", resource_id=meeting_id,
                           student_oid=meeting.student_oid if meeting else None,
                           endpoint="PUT /meetings/{meeting_id}/student-record")
        return StudentRecordOut(hoks_update=record.hoks_update, actions=body.actions,
                                referral_outcome=record.referral_outcome)

    return router
