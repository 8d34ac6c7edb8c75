"""``/meetings/{id}/checklist/{student}``: one student's row, saved as staff fill it in."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from hoks_meetings.adapters.api_models import RowIn, RowOut
from hoks_meetings.adapters.api_presenters import row_out
from hoks_meetings.adapters.http_access import EDITORS, MeetingId, StudentOid, viewer_of
from hoks_meetings.adapters.routes import meetings_router
from hoks_meetings.handlers import Deps, RowInput, SaveRow, save_row
from hoks_shared.auth import Allow, AuditDep, Principal


def routes(deps: Deps) -> APIRouter:
    router = meetings_router()

    @router.put("/{meeting_id}/checklist/{student_oid}", response_model=RowOut,
                summary="Save (autosave) one student's checklist row",
                responses={403: {"description": "Not the meeting's counselor or responsible teacher"},
                           409: {"description": "The meeting is completed or cancelled"},
                           422: {"description": "A rule of the model refused the row (reason in detail)"}})
    async def put_row(meeting_id: MeetingId, student_oid: StudentOid, body: RowIn, audit: AuditDep,
                      principal: Principal = Depends(Allow(*EDITORS))) -> RowOut:
        data = RowInput(body.hoks_checked, body.measures_taken, body.committed, body.progressing, str(body.outcome),
                        body.referral_target, body.referral_reason, tuple(body.theme_flags))
        row = await save_row(SaveRow(meeting_id, student_oid, data, viewer_of(principal)), deps)
        await audit.record(principal, action="update", resource="meeting-checklist-row", resource_id=meeting_id,
                           student_oid=student_oid, endpoint="PUT /meetings/{meeting_id}/checklist/{student_oid}")
        return row_out(row)

    return router
