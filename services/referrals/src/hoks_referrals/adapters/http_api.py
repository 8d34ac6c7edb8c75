"""The referrals HTTP API (FastAPI): list, read, make, accept, close, cancel.

Every endpoint names its roles; object-level rules are in ``domain.access``; a referral the
caller may not see answers 404 (its existence is not revealed). Every read or change of a
referral is audited. Welfare targets are presented as fact + target + dates only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field

from hoks_referrals import handlers
from hoks_referrals.domain.access import READ_SCOPE, can_act, can_cancel, can_make, can_see
from hoks_referrals.domain.referral import InvalidCode, InvalidTransition, Referral
from hoks_shared.auth import Allow, AuditDep, Principal, Role
from hoks_shared.contracts.identifiers import LocalId, Oid
from hoks_shared.contracts.vocabulary import CancellationReason, ReferralOutcome, ReferralReason, ReferralTarget

STAFF_ROLES = (Role.COUNSELOR, Role.RESPONSIBLE_TEACHER, Role.SPECIAL_NEEDS_TEACHER, Role.CURATOR,
               Role.PSYCHOLOGIST, Role.CAREER_SERVICES, Role.EDUCATION_MANAGER, Role.DIRECTOR)
MAKERS = (Role.COUNSELOR, Role.RESPONSIBLE_TEACHER, Role.SPECIAL_NEEDS_TEACHER, Role.CURATOR,
          Role.PSYCHOLOGIST, Role.CAREER_SERVICES, Role.DIRECTOR)
ACTORS = (Role.COUNSELOR, Role.RESPONSIBLE_TEACHER, Role.SPECIAL_NEEDS_TEACHER, Role.CURATOR,
          Role.PSYCHOLOGIST, Role.CAREER_SERVICES, Role.DIRECTOR)
RESOURCE = "referral"


class ReferralView(BaseModel):
    """A referral as the API shows it. Welfare targets: only the fact, the target and dates."""

    referral_id: str
    student_oid: str
    unit_id: str
    target: str
    status: str
    welfare: bool
    made_at: datetime
    acknowledge_by: date
    overdue: bool
    closed_at: datetime | None = None
    reason_code: str | None = None
    origin: str | None = None
    origin_meeting_id: str | None = None
    made_by_oid: str | None = None
    assignee_oid: str | None = None
    accepted_at: datetime | None = None
    meeting_id: str | None = None
    meeting_starts_at: datetime | None = None
    outcome_code: str | None = None


def present(referral: Referral) -> ReferralView:
    base = dict(referral_id=referral.referral_id, student_oid=referral.student_oid, unit_id=referral.unit_id,
                target=referral.target, status=referral.status, welfare=referral.welfare,
                made_at=referral.made_at, acknowledge_by=referral.acknowledge_by, overdue=referral.overdue,
                closed_at=referral.closed_at)
    if referral.welfare:
        return ReferralView(**base)
    return ReferralView(**base, reason_code=referral.reason_code, origin=referral.origin,
                        origin_meeting_id=referral.origin_meeting_id, made_by_oid=referral.made_by_oid,
                        assignee_oid=referral.assignee_oid, accepted_at=referral.accepted_at,
                        meeting_id=referral.meeting_id, meeting_starts_at=referral.meeting_starts_at,
                        outcome_code=referral.outcome_code)


class NewReferralBody(BaseModel):
    """Structured only: a free-text field is refused (422), so no details can be stored."""

    model_config = ConfigDict(extra="forbid")

    student_oid: Oid
    target: ReferralTarget
    reason_code: ReferralReason = Field(description="From the closed list; must fit the target (422 otherwise)")
    origin: Literal["staff", "student"] = Field(
        default="staff", description="student = the student's own initiative, entered by staff")
    unit_id: LocalId | None = Field(default=None, description="Default: the student's unit in the SIS")


class CloseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome_code: ReferralOutcome
    accept_first: bool = Field(default=False, description="Accept and close in one action")


class CancelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason_code: CancellationReason


def inbox_order(referrals: list[Referral]) -> list[Referral]:
    """Open first; among them overdue first, then by due date; closed ones newest first."""
    open_ = sorted((r for r in referrals if r.is_open), key=lambda r: (not (r.overdue and not r.accepted), r.acknowledge_by, r.made_at))
    done = sorted((r for r in referrals if not r.is_open), key=lambda r: r.closed_at or r.made_at, reverse=True)
    return open_ + done


async def load(repository: handlers.ReferralRepository, principal: Principal, view: str) -> list[Referral]:
    """Narrow at the store (indexed queries on MongoDB) to what the view can contain for this
    caller; ``select`` then applies the object-level rules, which stay the authority."""
    me = principal.staff_oid
    if view == "unassigned":  # the unassigned queues (select keeps the caller's units)
        return await repository.waiting_for_routing()
    if principal.all_units or me is None:
        return await repository.find(open_only=view == "inbox")
    if view == "made":
        return await repository.find(made_by_oid=me)
    if view == "inbox":
        return await repository.find(assignee_oid=me, unit_ids=principal.unit_ids, open_only=True)
    return await repository.find(assignee_oid=me, made_by_oid=me, responsible_teacher_oid=me,
                                 unit_ids=principal.unit_ids)


def select(referrals: list[Referral], principal: Principal, view: str) -> list[Referral]:
    visible = [r for r in referrals if can_see(principal, r)]
    me = principal.staff_oid
    if view == "inbox":  # open referrals I handle: assigned to me, or my unit's queue for my role
        return inbox_order([r for r in visible if r.is_open and (r.assignee_oid == me or
                            (r.assignee_oid is None and can_act(principal, r)))])
    if view == "made":  # close the loop: what I referred and how it ended
        return inbox_order([r for r in visible if r.made_by_oid == me])
    if view == "unassigned":  # nobody is assigned yet: the unit's counselors, managers and directors see these
        return inbox_order([r for r in visible if r.waits_for_routing])
    return inbox_order(visible)


def build_http_router(deps: handlers.Deps) -> APIRouter:
    router = APIRouter(prefix="/referrals", tags=["referrals"])

    async def visible(referral_id: str, principal: Principal) -> Referral:
        referral = await deps.referrals.get(referral_id)
        if referral is None or not can_see(principal, referral):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no referral {referral_id}")
        return referral

    async def change(action, referral_id: str, principal: Principal, audit: AuditDep,  # noqa: ANN001
                     endpoint: str, allowed=can_act) -> ReferralView:  # noqa: ANN001
        referral = await visible(referral_id, principal)
        if not allowed(principal, referral):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                detail="only the assignee or the target's staff of the unit may do this")
        try:
            changed = await action()
        except InvalidTransition as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
        except InvalidCode as exc:
            raise HTTPException(422, detail=str(exc)) from None
        except handlers.Conflict as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
        await audit.record(principal, action="update", resource=RESOURCE, resource_id=referral_id,
                           student_oid=referral.student_oid, endpoint=endpoint)
        return present(changed)

    @router.get("", response_model=list[ReferralView], response_model_exclude_none=True,
                summary="Referrals the caller may see: inbox (mine to handle), made (by me), unassigned "
                        "(nobody assigned yet, of my units), or all")
    async def list_referrals(
        audit: AuditDep,
        principal: Principal = Depends(Allow(*STAFF_ROLES, Role.INTEGRATION_CLIENT, scope=READ_SCOPE)),
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
    async def get_referral(
        referral_id: LocalId, audit: AuditDep,
        principal: Principal = Depends(Allow(*STAFF_ROLES, Role.INTEGRATION_CLIENT, scope=READ_SCOPE)),
    ) -> ReferralView:
        referral = await visible(referral_id, principal)
        await audit.record(principal, action="read", resource=RESOURCE, resource_id=referral_id,
                           student_oid=referral.student_oid, endpoint="GET /referrals/{referral_id}")
        return present(referral)

    @router.post("", response_model=ReferralView, response_model_exclude_none=True,
                 status_code=status.HTTP_201_CREATED, summary="Make a referral (staff, or the student's initiative)")
    async def make(body: NewReferralBody, audit: AuditDep,
                   principal: Principal = Depends(Allow(*MAKERS))) -> ReferralView:
        student = await deps.directory.student(body.student_oid)
        unit_id = body.unit_id or student.unit_id
        if unit_id is None:
            raise HTTPException(422,
                                detail="the student is not in the SIS view; give unit_id")
        if student.unit_id is not None and body.unit_id is not None and body.unit_id != student.unit_id:
            raise HTTPException(422,
                                detail=f"the student belongs to unit {student.unit_id}, not {body.unit_id}")
        if not can_make(principal, unit_id, student.responsible_teacher_oid):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                detail="you may refer students of your own units (teachers: your own students)")
        assert principal.staff_oid is not None
        request = handlers.NewReferral(student_oid=body.student_oid, target=body.target,
                                       reason_code=body.reason_code.value, origin=body.origin, unit_id=unit_id)
        try:
            referral = await handlers.make_referral(request, principal.staff_oid, deps, student)
        except InvalidCode as exc:
            raise HTTPException(422, detail=str(exc)) from None
        await audit.record(principal, action="create", resource=RESOURCE, resource_id=referral.referral_id,
                           student_oid=referral.student_oid, endpoint="POST /referrals")
        return present(referral)

    @router.post("/{referral_id}/accept", response_model=ReferralView, response_model_exclude_none=True)
    async def accept(referral_id: LocalId, audit: AuditDep,
                     principal: Principal = Depends(Allow(*ACTORS))) -> ReferralView:
        return await change(lambda: handlers.accept(referral_id, principal.staff_oid, deps), referral_id,
                            principal, audit, "POST /referrals/{referral_id}/accept")

    @router.post("/{referral_id}/close", response_model=ReferralView, response_model_exclude_none=True,
                 summary="Close with an outcome code (accept_first: accept and close in one action)")
    async def close(referral_id: LocalId, body: CloseBody, audit: AuditDep,
                    principal: Principal = Depends(Allow(*ACTORS))) -> ReferralView:
        return await change(
            lambda: handlers.close(referral_id, body.outcome_code.value, principal.staff_oid, deps,
                                   accept_first=body.accept_first),
            referral_id, principal, audit, "POST /referrals/{referral_id}/close")

    @router.post("/{referral_id}/cancel", response_model=ReferralView, response_model_exclude_none=True)
    async def cancel(referral_id: LocalId, body: CancelBody, audit: AuditDep,
                     principal: Principal = Depends(Allow(*ACTORS))) -> ReferralView:
        return await change(lambda: handlers.cancel(referral_id, body.reason_code.value, principal.staff_oid, deps),
                            referral_id, principal, audit, "POST /referrals/{referral_id}/cancel",
                            allowed=can_cancel)

    return router
