"""``POST /referrals/{id}/accept|close|cancel``: the lifecycle actions. Only whom the access
rules allow; a referral the caller may not see is 404 (its existence is not revealed); each
change is audited."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from hoks_referrals import handlers
from hoks_referrals.adapters.referral_lists import visible
from hoks_referrals.adapters.referral_view import ACTORS, PREFIX, RESOURCE, ReferralView, present
from hoks_referrals.domain.access import Caller, can_act, can_cancel
from hoks_referrals.domain.errors import NotAllowed
from hoks_referrals.domain.referral import Referral
from hoks_shared.auth import Allow, AuditDep, Principal
from hoks_shared.contracts.identifiers import LocalId
from hoks_shared.contracts.vocabulary import CancellationReason, ReferralOutcome


class CloseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome_code: ReferralOutcome
    accept_first: bool = Field(default=False, description="Accept and close in one action")


class CancelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason_code: CancellationReason


def routes(deps: handlers.Deps) -> APIRouter:
    router = APIRouter(prefix=PREFIX)

    async def change(referral_id: str, principal: Principal, audit: AuditDep, endpoint: str,
                     action: Callable[[str], Awaitable[Referral]],
                     allowed: Callable[[Caller, Referral], bool] = can_act) -> ReferralView:
        referral = await visible(deps.referrals, referral_id, principal)
        if principal.staff_oid is None or not allowed(principal, referral):
            raise NotAllowed("only the assignee or the target's staff of the unit may do this")
        changed = await action(principal.staff_oid)
        await audit.record(principal, action="update", resource=RESOURCE, resource_id=referral_id,
                           student_oid=referral.student_oid, endpoint=endpoint)
        return present(changed)

    @router.post("/{referral_id}/accept", response_model=ReferralView, response_model_exclude_none=True)
    async def accept(referral_id: LocalId, audit: AuditDep,
                     principal: Principal = Depends(Allow(*ACTORS))) -> ReferralView:
        return await change(referral_id, principal, audit, "POST /referrals/{referral_id}/accept",
                            lambda by: handlers.accept(handlers.Accept(referral_id, by), deps))

    @router.post("/{referral_id}/close", response_model=ReferralView, response_model_exclude_none=True,
                 summary="Close with an outcome code (accept_first: accept and close in one action)")
    async def close(referral_id: LocalId, body: CloseBody, audit: AuditDep,
                    principal: Principal = Depends(Allow(*ACTORS))) -> ReferralView:
        return await change(referral_id, principal, audit, "POST /referrals/{referral_id}/close",
                            lambda by: handlers.close(handlers.Close(referral_id, body.outcome_code.value, by,
                                                                     accept_first=body.accept_first), deps))

    @router.post("/{referral_id}/cancel", response_model=ReferralView, response_model_exclude_none=True)
    async def cancel(referral_id: LocalId, body: CancelBody, audit: AuditDep,
                     principal: Principal = Depends(Allow(*ACTORS))) -> ReferralView:
        return await change(referral_id, principal, audit, "POST /referrals/{referral_id}/cancel",
                            lambda by: handlers.cancel(handlers.Cancel(referral_id, body.reason_code.value, by),
                                                       deps),
                            allowed=can_cancel)

    return router
