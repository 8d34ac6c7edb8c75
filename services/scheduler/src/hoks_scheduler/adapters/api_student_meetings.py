"""``/student-meetings``: a student-level meeting asked for by the student's own staff."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Response, status

from hoks_scheduler.adapters.api_models import MeetingOut, StudentMeetingOut, StudentMeetingRequest
from hoks_scheduler.domain.access import can_request_for
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_scheduler.handlers.student_meetings import RequestStudentMeeting, request_student_meeting
from hoks_shared.auth import Allow, AuditDep, Principal, Role


def routes(deps: SchedulerDeps) -> APIRouter:
    router = APIRouter(tags=["scheduler"])

    @router.post("/student-meetings", response_model=StudentMeetingOut, status_code=201,
                 summary="Request a student-level meeting",
                 responses={409: {"description": "No slot where everyone is free (the reason is given)"}})
    async def student_meeting(body: StudentMeetingRequest, audit: AuditDep, response: Response,
                              principal: Principal = Depends(Allow(Role.COUNSELOR, Role.RESPONSIBLE_TEACHER,
                                                                   Role.SPECIAL_NEEDS_TEACHER))) -> StudentMeetingOut:
        """Asked for by the student (through their counselor or teacher), the responsible teacher
        or the counselor, or agreed in a group meeting. The student, their counselor and
        responsible teacher (and the specialist, if given) are invited to the first slot where
        all are free within the configured number of school days."""
        student = await deps.students.get(body.student_oid)
        if student is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such student")
        group = await deps.groups.get(student.group_id)
        own_staff = (student.responsible_teacher_oid,
                     *((group.counselor_oid, group.special_needs_teacher_oid) if group is not None else ()))
        if not can_request_for(principal, student.unit_id, own_staff):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="not one of your students")
        result = await request_student_meeting(RequestStudentMeeting(
            student_oid=body.student_oid, requested_by_oid=principal.staff_oid or principal.subject,
            specialist_oid=body.specialist_oid, within_school_days=body.within_school_days,
            request_key=body.request_key), deps)
        if result.meeting is None:
            raise HTTPException(status.HTTP_409_CONFLICT, detail=f"no slot found: {result.reason}")
        await audit.record(principal, action="create" if result.status == "scheduled" else "read",
                           resource="meeting", resource_id=result.meeting.meeting_id, student_oid=body.student_oid,
                           endpoint="POST /student-meetings")
        if result.status != "scheduled":
            response.status_code = status.HTTP_200_OK
        return StudentMeetingOut(status=result.status, meeting=MeetingOut.of(result.meeting))

    return router
