"""``/plans``: plan (or re-plan) a year's group rounds for some units, and read the latest report."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, status

from hoks_scheduler.adapters.api_models import PlanReport, PlanRequest
from hoks_scheduler.domain.access import PLANNERS
from hoks_scheduler.handlers.planning import PlanYear, plan_year
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_shared.auth import Allow, Principal


def routes(deps: SchedulerDeps) -> APIRouter:
    router = APIRouter(tags=["scheduler"])

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
        return await plan_year(PlanYear(body.academic_year, body.unit_ids, body.from_day), deps)

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

    return router
