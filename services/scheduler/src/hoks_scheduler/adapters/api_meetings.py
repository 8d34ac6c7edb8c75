"""``/meetings``: list and read meetings (only what the caller may see), move or cancel one by
hand, and a meeting's invitation (iTIP)."""

from __future__ import annotations


from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from hoks_scheduler.adapters.api_checks import audit_read, changeable, person_oid_of, visible
from hoks_scheduler.adapters.api_models import CancelRequest, MeetingOut, RescheduleRequest
from hoks_scheduler.adapters.feed_api import event_words
from hoks_scheduler.adapters.http_errors import refusals_as_http
from hoks_scheduler.adapters.ical import invitation
from hoks_scheduler.adapters.settings import SchedulerSettings
from hoks_scheduler.domain.access import FEED_SCOPE, PLANNERS, READERS, STAFF, can_see
from hoks_scheduler.domain.meeting import Meeting
from hoks_scheduler.handlers.changes import Cancel, Reschedule, cancel, reschedule
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_shared.auth import Allow, AuditDep, Principal, Role
from hoks_shared.web.i18n import language_of
from hoks_shared.web.query_types import IsoDate


def routes(deps: SchedulerDeps, settings: SchedulerSettings) -> APIRouter:
    router = APIRouter(tags=["scheduler"])

    @router.get("/meetings", response_model=list[MeetingOut], summary="List meetings")
    async def list_meetings(
        audit: AuditDep,
        person_oid: str | None = Query(default=None, description="Meetings this person takes part in"),
        group_id: str | None = Query(default=None),
        unit_id: str | None = Query(default=None),
        day_from: IsoDate | None = Query(default=None, alias="from"),
        day_to: IsoDate | None = Query(default=None, alias="to"),
        include_cancelled: bool = False,
        principal: Principal = Depends(Allow(*READERS, scope=FEED_SCOPE)),
    ) -> list[MeetingOut]:
        """Filtered by person, group, unit and date range; only what the caller may see (their own
        meetings, or their units' for counselors, managers and directors)."""
        if person_oid is not None:
            person_oid_of(person_oid)
        if unit_id is not None and Role.INTEGRATION_CLIENT not in principal.roles:
            principal.ensure_unit(unit_id)  # another unit's list is refused, not just filtered
        if day_from and day_to and day_to < day_from:
            raise HTTPException(422, detail="'to' is before 'from'")
        if person_oid is None and group_id is None and unit_id is None:
            if principal.staff_oid is None:
                raise HTTPException(422, detail="give person_oid, group_id or unit_id")
            person_oid = principal.staff_oid
        found = await deps.meetings.find(person_oid=person_oid, group_id=group_id, unit_id=unit_id,
                                         day_from=day_from, day_to=day_to, planned_only=not include_cancelled)
        shown = [m for m in found if can_see(principal, m)]
        await audit_read(audit, principal, shown, "GET /meetings")
        return [MeetingOut.of(m) for m in shown]

    @router.get("/meetings/{meeting_id}", response_model=MeetingOut, summary="One meeting")
    async def get_meeting(meeting_id: str, audit: AuditDep,
                          principal: Principal = Depends(Allow(*READERS, scope=FEED_SCOPE))) -> MeetingOut:
        meeting = await visible(deps, principal, meeting_id)
        await audit_read(audit, principal, [meeting], "GET /meetings/{meeting_id}")
        return MeetingOut.of(meeting)

    async def audit_change(audit: AuditDep, principal: Principal, meeting: Meeting, endpoint: str) -> None:
        if meeting.kind == "student":
            await audit.record(principal, action="update", resource="meeting", resource_id=meeting.meeting_id,
                               student_oid=meeting.student_oid, endpoint=endpoint)

    @router.post("/meetings/{meeting_id}/reschedule", response_model=MeetingOut, summary="Move a meeting",
                 responses={409: {"description": "A participant is busy or unavailable"}})
    async def move(meeting_id: str, body: RescheduleRequest, audit: AuditDep,
                   principal: Principal = Depends(Allow(*PLANNERS))) -> MeetingOut:
        meeting = await changeable(deps, principal, meeting_id)
        with refusals_as_http():
            changed = await reschedule(Reschedule(meeting_id, body.starts_at, body.reason_code), deps)
        await audit_change(audit, principal, meeting, "POST /meetings/{meeting_id}/reschedule")
        return MeetingOut.of(changed)

    @router.post("/meetings/{meeting_id}/cancel", response_model=MeetingOut, summary="Cancel a meeting")
    async def cancel_meeting(meeting_id: str, body: CancelRequest, audit: AuditDep,
                             principal: Principal = Depends(Allow(*PLANNERS))) -> MeetingOut:
        meeting = await changeable(deps, principal, meeting_id)
        with refusals_as_http():
            changed = await cancel(Cancel(meeting_id, body.reason_code), deps)
        await audit_change(audit, principal, meeting, "POST /meetings/{meeting_id}/cancel")
        return MeetingOut.of(changed)

    @router.get("/meetings/{meeting_id}/invitation.ics", summary="A meeting's invitation (iTIP)",
                response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
    async def invite(request: Request, meeting_id: str, audit: AuditDep,
                     principal: Principal = Depends(Allow(*STAFF))) -> Response:
        meeting = await visible(deps, principal, meeting_id)
        await audit_read(audit, principal, [meeting], "GET /meetings/{meeting_id}/invitation.ics")
        words = await event_words(request, language_of(request))
        return Response(invitation(meeting, settings.calendar_domain, words=words),
                        media_type="text/calendar; charset=utf-8")

    return router
