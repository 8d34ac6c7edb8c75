"""``GET /referrals`` (the caller's lists) and ``GET /referrals/{id}``; every read is audited
(a list as one record naming every referral and student shown)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query

from hoks_referrals.adapters.referral_lists import load, select, visible
from hoks_referrals.adapters.referral_view import PREFIX, RESOURCE, STAFF_ROLES, ReferralView, present
from hoks_referrals.domain.access import READ_SCOPE
from hoks_referrals.handlers import Deps
from hoks_shared.auth import Allow, AuditDep, Principal, Role
from hoks_shared.contracts.identifiers import LocalId, Oid

READERS = Allow(*STAFF_ROLES, Role.INTEGRATION_CLIENT, scope=READ_SCOPE)


def routes(deps: Deps) -> APIRouter:
    router = APIRouter(prefix=PREFIX)

    @router.get("", response_model=list[ReferralView], response_model_exclude_none=True,
                summary="Referrals the caller may see: inbox (mine to handle), made (by me), unassigned "
                        "(nobody assigned yet, of my units), or all")
    async def list_referrals(
        audit: AuditDep,
        principal: Principal = Depends(READERS),
        view: Literal["inbox", "made", "all", "unassigned"] = Query("all"),
        student_oid: Oid | None = None,
        open_only: bool = False,
        limit: int = Query(100, ge=1, le=500, description="At most this many, in inbox order"),
    ) -> list[ReferralView]:
        chosen = select(await load(deps.referrals, principal, view), principal, view)
        if student_oid is not None:
            chosen = [r for r in chosen if r.student_oid == student_oid]
        if open_only:
            chosen = [r for r in chosen if r.is_open]
        chosen = chosen[:limit]
        await audit.record_list_read(principal, resource=RESOURCE, list_id=f"list-{view}",
                                     shown=[(r.referral_id, r.student_oid) for r in chosen],
                                     endpoint="GET /referrals")
        return [present(r) for r in chosen]

    @router.get("/{referral_id}", response_model=ReferralView, response_model_exclude_none=True)
    async def get_referral(referral_id: LocalId, audit: AuditDep,
                           principal: Principal = Depends(READERS)) -> ReferralView:
        referral = await visible(deps.referrals, referral_id, principal)
        await audit.record(principal, action="read", resource=RESOURCE, resource_id=referral_id,
                           student_oid=referral.student_oid, endpoint="GET /referrals/{referral_id}")
        return present(referral)

    return router
