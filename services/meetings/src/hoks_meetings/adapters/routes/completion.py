"""``POST /meetings/{id}/complete``: the use case stages ``checklist-completed`` and
``meeting-held`` with the write that marks the meeting held; the outbox seam wakes the relay,
so this route only answers and audits."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from hoks_meetings.adapters.api_models import CompletionOut
from hoks_meetings.adapters.http_access import EDITORS, MeetingId, viewer_of
from hoks_meetings.adapters.routes import meetings_router
from hoks_meetings.handlers import CompleteMeeting, Deps, complete_meeting
from hoks_shared.auth import Allow, AuditDep, Principal


def routes(deps: Deps) -> APIRouter:
    router = meetings_router()

    @router.post("/{meeting_id}/complete", response_model=CompletionOut,
                 summary="Complete the meeting: validates every row, emits checklist-completed and meeting-held",
                 responses={409: {"description": "Already completed or cancelled"},
                            422: {"description": "Rows missing, or the student's presence not recorded"}})
    async def complete(meeting_id: MeetingId, audit: AuditDep,
                       principal: Principal = Depends(Allow(*EDITORS))) -> CompletionOut:
        done = await complete_meeting(CompleteMeeting(meeting_id, viewer_of(principal)), deps)
        await audit.record(principal, action="update", resource="meeting", resource_id=meeting_id,
                           endpoint="POST /meetings/{meeting_id}/complete")
        return CompletionOut(meeting_id=meeting_id, event_ids=done.event_ids, rows=done.rows, referrals=done.referrals)

    return router
