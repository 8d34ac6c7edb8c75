"""Checks the meeting routes share: the meeting the caller may see (else 404, so an id tells
nothing) or change, a person OID in a path, and the audit record of student-level meetings read."""

from __future__ import annotations

from fastapi import HTTPException, status

from hoks_scheduler.domain.access import can_change, can_see
from hoks_scheduler.domain.meeting import Meeting
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_shared.auth import Principal
from hoks_shared.auth.audit import AuditRecorder
from hoks_shared.contracts.identifiers import is_oid


def person_oid_of(value: str) -> str:
    if not is_oid(value):
        raise HTTPException(422, detail="not a person OID")
    return value


async def visible(deps: SchedulerDeps, principal: Principal, meeting_id: str) -> Meeting:
    meeting = await deps.meetings.get(meeting_id)
    if meeting is None or not can_see(principal, meeting):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such meeting")
    return meeting


async def changeable(deps: SchedulerDeps, principal: Principal, meeting_id: str) -> Meeting:
    meeting = await visible(deps, principal, meeting_id)
    if not can_change(principal, meeting):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only the unit's counselors and managers "
                            "change meetings")
    return meeting


async def audit_read(audit: AuditRecorder, principal: Principal, meetings: list[Meeting], endpoint: str) -> None:
    """Student-level meetings shown: one record per request (one meeting, or the whole list)."""
    shown = [(m.meeting_id, m.student_oid) for m in meetings if m.kind == "student" and m.student_oid]
    if len(meetings) == 1 and shown:
        await audit.record(principal, action="read", resource="meeting", resource_id=shown[0][0],
                           student_oid=shown[0][1], endpoint=endpoint)
    else:
        await audit.record_list_read(principal, resource="meeting", list_id="meeting-list", shown=shown,
                                     endpoint=endpoint)
