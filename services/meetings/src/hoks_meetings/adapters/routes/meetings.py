"""``/meetings``: my meetings, the closed code lists, and one meeting with its checklist."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from hoks_meetings.adapters.api_models import MeetingDetail, MeetingSummary, Vocabulary
from hoks_meetings.adapters.api_presenters import detail, summary
from hoks_meetings.adapters.http_access import VIEWERS, MeetingId, viewer_of
from hoks_meetings.adapters.meeting_audit import record_meeting_read
from hoks_meetings.adapters.routes import meetings_router
from hoks_meetings.domain.checklist import OUTCOMES
from hoks_meetings.domain.themes import THEMES
from hoks_meetings.domain.vocabulary import ACTION_CODES, HOKS_UPDATES, REFERRAL_REASONS, REFERRAL_TARGETS
from hoks_meetings.handlers import Deps, ListMyMeetings, OpenMeeting, my_meetings, open_meeting
from hoks_shared.auth import Allow, AuditDep, Principal


def routes(deps: Deps) -> APIRouter:
    router = meetings_router()

    @router.get("", response_model=list[MeetingSummary], summary="My today's and upcoming meetings")
    async def list_meetings(principal: Principal = Depends(Allow(*VIEWERS))) -> list[MeetingSummary]:
        found = await my_meetings(ListMyMeetings(viewer_of(principal)), deps)
        return [summary(m, principal.staff_oid) for m in found]

    @router.get("/vocabulary", response_model=Vocabulary, summary="The closed code lists a record may hold")
    async def vocabulary(principal: Principal = Depends(Allow(*VIEWERS))) -> Vocabulary:
        return Vocabulary(outcomes=list(OUTCOMES), referral_targets=list(REFERRAL_TARGETS),
                          referral_reasons=list(REFERRAL_REASONS), hoks_updates=list(HOKS_UPDATES),
                          action_codes=list(ACTION_CODES), themes={c: list(t.items) for c, t in THEMES.items()})

    @router.get("/{meeting_id}", response_model=MeetingDetail,
                summary="A meeting with its agenda, participants and checklist (suggestions prefilled)",
                responses={404: {"description": "No such meeting, or not visible to the caller"}})
    async def get_meeting(meeting_id: MeetingId, audit: AuditDep,
                          principal: Principal = Depends(Allow(*VIEWERS))) -> MeetingDetail:
        view = await open_meeting(OpenMeeting(meeting_id, viewer_of(principal)), deps)
        await record_meeting_read(audit, principal, view, "GET /meetings/{meeting_id}")
        return detail(view, principal.staff_oid)

    return router
