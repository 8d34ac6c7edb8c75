"""``/staff/{person_oid}/unavailability``: the days a person takes no meetings."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Response, status

from hoks_scheduler.adapters.api_checks import person_oid_of
from hoks_scheduler.adapters.api_models import UnavailabilityRequest
from hoks_scheduler.adapters.staff_units import StaffUnits
from hoks_scheduler.domain.access import PLANNERS, STAFF, can_set_unavailability
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_shared.auth import Allow, AuditDep, Principal


def routes(deps: SchedulerDeps, staff: StaffUnits) -> APIRouter:
    router = APIRouter(tags=["scheduler"])

    @router.put("/staff/{person_oid}/unavailability", status_code=204, summary="Days a person takes no meetings")
    async def unavailability(person_oid: str, body: UnavailabilityRequest, audit: AuditDep,
                             principal: Principal = Depends(Allow(*STAFF))) -> Response:
        """Your own days, or (counselors, managers) those of the staff of your units, (directors)
        anyone's; the next plan respects them. Every change is audited."""
        person_oid_of(person_oid)
        # the person's units are looked up only when they decide
        needs_units = not principal.is_person(person_oid) and principal.has_role(*PLANNERS) \
            and not principal.all_units
        refusal = can_set_unavailability(principal, person_oid,
                                         await staff.units_of(person_oid) if needs_units else None)
        if refusal is not None:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=refusal)
        await deps.meetings.set_unavailable(person_oid, body.days)
        await audit.record(principal, action="update", resource="staff-unavailability", resource_id=person_oid,
                           endpoint="PUT /staff/{person_oid}/unavailability")
        return Response(status_code=204)

    return router
