"""The plan's conflicts as an API (the overview page's one-click actions): place an unplaced round
on another day or with another counselor, or accept the miss; and the rounds a year per study
type, the one number the planner, the overview and the reports use."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hoks_scheduler.adapters.api_models import MeetingOut
from hoks_scheduler.adapters.http_errors import refusals_as_http
from hoks_scheduler.domain.access import PLANNERS, READERS
from hoks_scheduler.handlers.plan_decisions import AcceptMiss, PlaceByHand, accept_miss, place_by_hand, round_demand
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_shared.auth import Allow, Principal, Role
from hoks_shared.contracts.identifiers import Oid


class PlaceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime = Field(description="Start of a slot on a school day of the round's year, with an offset")
    counselor_oid: Oid | None = Field(default=None, description="Another counselor of the unit to convene it")


class MissOut(BaseModel):
    meeting_id: str
    group_id: str
    round: int
    on: str


class RoundsOut(BaseModel):
    rounds_per_year: dict[str, int] = Field(description="Per study type; '*' for any type not listed")


def build_plan_router(deps: SchedulerDeps) -> APIRouter:
    router = APIRouter(tags=["plan"])

    async def decidable(principal: Principal, meeting_id: str) -> None:
        """Counselors, managers and directors of the round's unit decide on it."""
        with refusals_as_http():
            demand = await round_demand(meeting_id, deps)
        if not principal.can_access_unit(demand.unit_id):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="not a round of your units")

    @router.post("/plans/conflicts/{meeting_id}/place", response_model=MeetingOut, status_code=201,
                 summary="Place an unplaced round by hand",
                 responses={409: {"description": "Someone is busy or away then, or the round is planned"}})
    async def place(meeting_id: str, body: PlaceRequest,
                    principal: Principal = Depends(Allow(*PLANNERS))) -> MeetingOut:
        """Any school day of the year, also outside the round's window; optionally convened by
        another counselor. Published as ``meeting-scheduled``; re-plans keep it there."""
        await decidable(principal, meeting_id)
        with refusals_as_http():
            meeting = await place_by_hand(PlaceByHand(meeting_id, body.starts_at, body.counselor_oid), deps)
        return MeetingOut.of(meeting)

    @router.post("/plans/conflicts/{meeting_id}/accept-miss", response_model=MissOut,
                 summary="Accept that a round is not held this year",
                 responses={409: {"description": "The round is planned (cancel the meeting instead)"}})
    async def miss(meeting_id: str, principal: Principal = Depends(Allow(*PLANNERS))) -> MissOut:
        await decidable(principal, meeting_id)
        with refusals_as_http():
            record = await accept_miss(AcceptMiss(meeting_id, principal.staff_oid or principal.subject), deps)
        return MissOut(meeting_id=meeting_id, group_id=record["group_id"], round=record["round"], on=record["on"])

    @router.get("/rounds", response_model=RoundsOut, summary="Rounds a year per study type")
    async def rounds(_: Principal = Depends(Allow(*READERS, Role.INTEGRATION_CLIENT))) -> RoundsOut:
        """From the scheduler's configuration (``rounds.yaml``): the planner's target per group,
        the plan overview's columns and the number reports and meeting pages show as "n/N"."""
        return RoundsOut(rounds_per_year=deps.config.rules.rounds_per_year())

    return router
