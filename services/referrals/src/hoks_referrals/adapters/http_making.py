"""``POST /referrals``: staff make a referral (or enter the student's own initiative); routed
like every referral. Structured only: a free-text field is refused (422)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict, Field

from hoks_referrals import handlers
from hoks_referrals.adapters.referral_view import MAKERS, PREFIX, RESOURCE, ReferralView, present
from hoks_referrals.domain.access import can_make
from hoks_referrals.domain.errors import NotAllowed
from hoks_shared.auth import Allow, AuditDep, Principal
from hoks_shared.contracts.identifiers import LocalId, Oid
from hoks_shared.contracts.vocabulary import ReferralReason, ReferralTarget


class NewReferralBody(BaseModel):
    """Structured only: a free-text field is refused (422), so no details can be stored."""

    model_config = ConfigDict(extra="forbid")

    student_oid: Oid
    target: ReferralTarget
    reason_code: ReferralReason = Field(description="From the closed list; must fit the target (422 otherwise)")
    origin: Literal["staff", "student"] = Field(
        default="staff", description="student = the student's own initiative, entered by staff")
    unit_id: LocalId | None = Field(default=None, description="Default: the student's unit in the SIS")


def routes(deps: handlers.Deps) -> APIRouter:
    router = APIRouter(prefix=PREFIX)

    @router.post("", response_model=ReferralView, response_model_exclude_none=True,
                 status_code=status.HTTP_201_CREATED, summary="Make a referral (staff, or the student's initiative)")
    async def make(body: NewReferralBody, audit: AuditDep,
                   principal: Principal = Depends(Allow(*MAKERS))) -> ReferralView:
        unit_id, student = await handlers.student_unit(body.student_oid, body.unit_id, deps)
        if principal.staff_oid is None or not can_make(principal, unit_id, student.responsible_teacher_oid):
            raise NotAllowed("you may refer students of your own units (teachers: your own students)")
        referral = await handlers.make_referral(handlers.NewReferral(
            student_oid=body.student_oid, target=body.target, reason_code=body.reason_code.value,
            origin=body.origin, made_by_oid=principal.staff_oid, unit_id=unit_id), deps)
        await audit.record(principal, action="create", resource=RESOURCE, resource_id=referral.referral_id,
                           student_oid=referral.student_oid, endpoint="POST /referrals")
        return present(referral)

    return router
