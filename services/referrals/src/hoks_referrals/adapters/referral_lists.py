"""Which referrals a caller gets: narrowed at the store, then the object-level rules of
``domain.access`` decide (they stay the authority); one referral by id only if the caller may see
it. Shared by the API and the pages."""

from __future__ import annotations

from hoks_referrals.domain.access import can_act, can_see
from hoks_referrals.domain.errors import ReferralNotFound
from hoks_referrals.domain.referral import Referral
from hoks_referrals.handlers import ReferralRepository
from hoks_shared.auth import Principal


def inbox_order(referrals: list[Referral]) -> list[Referral]:
    """Open first; among them overdue first, then by due date; closed ones newest first."""
    open_ = sorted((r for r in referrals if r.is_open),
                   key=lambda r: (not (r.overdue and not r.accepted), r.acknowledge_by, r.made_at))
    done = sorted((r for r in referrals if not r.is_open), key=lambda r: r.closed_at or r.made_at, reverse=True)
    return open_ + done


async def load(repository: ReferralRepository, principal: Principal, view: str) -> list[Referral]:
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
    visible_ = [r for r in referrals if can_see(principal, r)]
    me = principal.staff_oid
    if view == "inbox":  # open referrals I handle: assigned to me, or my unit's queue for my role
        return inbox_order([r for r in visible_ if r.is_open and (r.assignee_oid == me or
                            (r.assignee_oid is None and can_act(principal, r)))])
    if view == "made":  # close the loop: what I referred and how it ended
        return inbox_order([r for r in visible_ if r.made_by_oid == me])
    if view == "unassigned":  # nobody is assigned yet: the unit's counselors, managers and directors see these
        return inbox_order([r for r in visible_ if r.waits_for_routing])
    return inbox_order(visible_)


async def visible(repository: ReferralRepository, referral_id: str, principal: Principal) -> Referral:
    """The referral, if the caller may see it; else ``ReferralNotFound`` (existence not revealed)."""
    referral = await repository.get(referral_id)
    if referral is None or not can_see(principal, referral):
        raise ReferralNotFound(f"no referral {referral_id}")
    return referral
