"""The scheduler's HTTP API: plan a year, list meetings, student-level requests, reschedule,
cancel, staff unavailability and invitations (OpenAPI at ``/openapi.json``); calendar feeds are
in ``feed_api``."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status

from hoks_scheduler.adapters.access import FEED_SCOPE, can_change, can_see
from hoks_scheduler.adapters.api_models import (
    CancelRequest,
    MeetingOut,
    PlanReport,
    PlanRequest,
    RescheduleRequest,
    StudentMeetingOut,
    StudentMeetingRequest,
    UnavailabilityRequest,
)
from hoks_scheduler.adapters.feed_api import event_words
from hoks_scheduler.adapters.ical import invitation
from hoks_scheduler.adapters.settings import SchedulerSettings
from hoks_scheduler.adapters.staff_units import StaffUnits
from hoks_scheduler.domain.meeting import Meeting
from hoks_scheduler.handlers import (
    Conflict,
    InvalidRequest,
    NotFound,
    SchedulerDeps,
    cancel,
    plan_year,
    request_student_meeting,
    reschedule,
)
from hoks_shared.auth import Allow, AuditDep, Principal, Role
from hoks_shared.contracts.identifiers import is_oid
from hoks_shared.web.i18n import language_of

PLANNERS = (Role.COUNSELOR, Role.EDUCATION_MANAGER, Role.DIRECTOR)
READERS = (Role.COUNSELOR, Role.RESPONSIBLE_TEACHER, Role.SPECIAL_NEEDS_TEACHER, Role.CURATOR, Role.PSYCHOLOGIST,
           Role.CAREER_SERVICES, Role.EDUCATION_MANAGER, Role.DIRECTOR, Role.INTEGRATION_CLIENT)
STAFF = tuple(r for r in READERS if r != Role.INTEGRATION_CLIENT)


def _oid(value: str) -> str:
    if not is_oid(value):
        raise HTTPException(422, detail="not a person OID")
    return value


def build_http_router(deps: SchedulerDeps, settings: SchedulerSettings, staff: StaffUnits) -> APIRouter:
    router = APIRouter(tags=["scheduler"])

    async def visible(principal: Principal, meeting_id: str) -> Meeting:
        meeting = await deps.meetings.get(meeting_id)
        if meeting is None or not can_see(principal, meeting):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such meeting")
        return meeting

    async def audit_read(audit: AuditDep, principal: Principal, meetings: list[Meeting], endpoint: str) -> None:
        """Student-level meetings shown: one record per request (one meeting, or the whole list)."""
        shown = [(m.meeting_id, m.student_oid) for m in meetings if m.kind == "student" and m.student_oid]
        if len(meetings) == 1 and shown:
            await audit.record(principal, action="read", resource="meeting", resource_id=shown[0][0],
                               student_oid=shown[0][1], endpoint=endpoint)
        else:
            await audit.record_list_read(principal, resource="meeting", list_id="meeting-list", shown=shown,
                                         endpoint=endpoint)

    @router.post("/plans", response_model=PlanReport, summary="Plan (or re-plan) a year's group rounds")
    async def plan(body: PlanRequest, principal: Principal = Depends(Allow(*PLANNERS))) -> PlanReport:
        """Plans every round of every active group of the units (the provider when ``unit_ids`` is
        omitted: directors only). Running it again changes only what has to change: meetings
        whose participants, window or availability changed are rescheduled, those no longer
        needed are cancelled; the same input emits nothing. The report lists what could not be
        placed, with the reason, and the plan's quality."""
        if body.unit_ids is None:
            if not principal.all_units:
                raise HTTPException(status.HTTP_403_FORBIDDEN,
                                    detail="planning the whole provider needs access to every unit; give unit_ids")
        else:
            for unit_id in body.unit_ids:
                principal.ensure_unit(unit_id)
        return await plan_year(deps, body.academic_year, body.unit_ids, body.from_day)

    @router.get("/plans/{academic_year}", response_model=PlanReport, summary="The latest plan report")
    async def last_report(academic_year: str, unit_id: list[str] | None = Query(default=None),
                          principal: Principal = Depends(Allow(*PLANNERS))) -> PlanReport:
        """The report of the latest planning run for these units (what could not be placed and why,
        and the plan's quality); without ``unit_id`` the provider-wide run."""
        if unit_id is None and not principal.all_units:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="give unit_id")
        for unit in unit_id or []:
            principal.ensure_unit(unit)
        report = await deps.meetings.get_report(f"{academic_year}:{','.join(sorted(unit_id)) if unit_id else '*'}")
        if report is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no plan for these units and year yet")
        report.pop("_id", None)
        return report

    @router.get("/meetings", response_model=list[MeetingOut], summary="List meetings")
    async def list_meetings(
        audit: AuditDep,
        person_oid: str | None = Query(default=None, description="Meetings this person takes part in"),
        group_id: str | None = Query(default=None),
        unit_id: str | None = Query(default=None),
        day_from: date | None = Query(default=None, alias="from"),
        day_to: date | None = Query(default=None, alias="to"),
        include_cancelled: bool = False,
        principal: Principal = Depends(Allow(*READERS, scope=FEED_SCOPE)),
    ) -> list[MeetingOut]:
        """Filtered by person, group, unit and date range; only what the caller may see (their own
        meetings, or their units' for counselors, managers and directors)."""
        if person_oid is not None:
            _oid(person_oid)
        if unit_id is not None and Role.INTEGRATION_CLIENT not in principal.roles:
            principal.ensure_unit(unit_id)  # another unit's list is refused, not just filtered
        if day_from and day_to and day_to < day_from:
            raise HTTPException(422, detail="'to' is before 'from'")
        if person_oid is None and group_id is None and unit_id is None:
            if principal.staff_oid is None:
                raise HTTPException(422,
                                    detail="give person_oid, group_id or unit_id")
            person_oid = principal.staff_oid
        found = await deps.meetings.find(person_oid=person_oid, group_id=group_id, unit_id=unit_id,
                                         day_from=day_from, day_to=day_to, planned_only=not include_cancelled)
        shown = [m for m in found if can_see(principal, m)]
        await audit_read(audit, principal, shown, "GET /meetings")
        return [MeetingOut.of(m) for m in shown]

    @router.get("/meetings/{meeting_id}", response_model=MeetingOut, summary="One meeting")
    async def get_meeting(meeting_id: str, audit: AuditDep,
                          principal: Principal = Depends(Allow(*READERS, scope=FEED_SCOPE))) -> MeetingOut:
        meeting = await visible(principal, meeting_id)
        await audit_read(audit, principal, [meeting], "GET /meetings/{meeting_id}")
        return MeetingOut.of(meeting)

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
        own = principal.is_person(student.responsible_teacher_oid) or (
            group is not None and (principal.is_person(group.counselor_oid)
                                   or principal.is_person(group.special_needs_teacher_oid)))
        if not own and not (principal.has_role(Role.COUNSELOR) and principal.can_access_unit(student.unit_id)):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="not one of your students")
        result = await request_student_meeting(
            deps, student_oid=body.student_oid, requested_by_oid=principal.staff_oid or principal.subject,
            specialist_oid=body.specialist_oid, within_school_days=body.within_school_days,
            request_key=body.request_key)
        if result.meeting is None:
            raise HTTPException(status.HTTP_409_CONFLICT, detail=f"no slot found: {result.reason}")
        await audit.record(principal, action="create" if result.status == "scheduled" else "read",
                           resource="meeting", resource_id=result.meeting.meeting_id, student_oid=body.student_oid,
                           endpoint="POST /student-meetings")
        if result.status != "scheduled":
            response.status_code = status.HTTP_200_OK
        return StudentMeetingOut(status=result.status, meeting=MeetingOut.of(result.meeting))

    async def changeable(principal: Principal, meeting_id: str) -> Meeting:
        meeting = await visible(principal, meeting_id)
        if not can_change(principal, meeting):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only the unit's counselors and managers "
                                "change meetings")
        return meeting

    @router.post("/meetings/{meeting_id}/reschedule", response_model=MeetingOut, summary="Move a meeting",
                 responses={409: {"description": "A participant is busy or unavailable"}})
    async def move(meeting_id: str, body: RescheduleRequest, audit: AuditDep,
                   principal: Principal = Depends(Allow(*PLANNERS))) -> MeetingOut:
        meeting = await changeable(principal, meeting_id)
        try:
            changed = await reschedule(deps, meeting_id, body.starts_at, body.reason_code)
        except InvalidRequest as exc:
            raise HTTPException(422, detail=str(exc)) from None
        except Conflict as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
        except NotFound:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such meeting") from None
        if meeting.kind == "student":
            await audit.record(principal, action="update", resource="meeting", resource_id=meeting_id,
                               student_oid=meeting.student_oid, endpoint="POST /meetings/{meeting_id}/reschedule")
        return MeetingOut.of(changed)

    @router.post("/meetings/{meeting_id}/cancel", response_model=MeetingOut, summary="Cancel a meeting")
    async def cancel_meeting(meeting_id: str, body: CancelRequest, audit: AuditDep,
                             principal: Principal = Depends(Allow(*PLANNERS))) -> MeetingOut:
        meeting = await changeable(principal, meeting_id)
        try:
            changed = await cancel(deps, meeting_id, body.reason_code)
        except Conflict as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
        if meeting.kind == "student":
            await audit.record(principal, action="update", resource="meeting", resource_id=meeting_id,
                               student_oid=meeting.student_oid, endpoint="POST /meetings/{meeting_id}/cancel")
        return MeetingOut.of(changed)

    @router.put("/staff/{person_oid}/unavailability", status_code=204, summary="Days a person takes no meetings")
    async def unavailability(person_oid: str, body: UnavailabilityRequest, audit: AuditDep,
                             principal: Principal = Depends(Allow(*STAFF))) -> Response:
        """Your own days, or (counselors, managers) those of the staff of your units, (directors)
        anyone's; the next plan respects them. Every change is audited."""
        _oid(person_oid)
        if not principal.is_person(person_oid):
            if not principal.has_role(*PLANNERS):
                raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only your own days")
            if not principal.all_units and not (await staff.units_of(person_oid)) & principal.unit_ids:
                raise HTTPException(status.HTTP_403_FORBIDDEN, detail="not a staff member of your units")
        await deps.meetings.set_unavailable(person_oid, body.days)
        await audit.record(principal, action="update", resource="staff-unavailability", resource_id=person_oid,
                           endpoint="PUT /staff/{person_oid}/unavailability")
        return Response(status_code=204)

    @router.get("/meetings/{meeting_id}/invitation.ics", summary="A meeting's invitation (iTIP)",
                response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
    async def invite(request: Request, meeting_id: str, audit: AuditDep,
                     principal: Principal = Depends(Allow(*STAFF))) -> Response:
        meeting = await visible(principal, meeting_id)
        await audit_read(audit, principal, [meeting], "GET /meetings/{meeting_id}/invitation.ics")
        words = await event_words(request, language_of(request))
        return Response(invitation(meeting, settings.calendar_domain, words=words),
                        media_type="text/calendar; charset=utf-8")

    return router
