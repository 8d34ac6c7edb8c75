"""The public events of a referral's transitions, built here next to the rules that make them.

Each kind of event happens at most once per referral, so its id is deterministic in the kind and
the referral: a use case retried after a conflict, or a repeat, stages the same id and consumers
drop the second copy.
"""

from __future__ import annotations

from hoks_shared.contracts.envelope import deterministic_event_id
from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.referrals import ReferralAccepted, ReferralClosed, ReferralMade, ReferralOverdue
from hoks_shared.store.outbox_writes import Outgoing

from hoks_referrals.domain.referral import Referral


def referral_made(referral: Referral) -> ReferralMade:
    return ReferralMade(
        referral_id=referral.referral_id,
        student_oid=referral.student_oid,
        unit_id=referral.unit_id,
        target=referral.target,
        reason_code=referral.reason_code,
        made_by_oid=referral.made_by_oid,
        made_at=referral.made_at,
        origin=referral.origin,
        origin_meeting_id=referral.origin_meeting_id,
        assignee_oid=referral.assignee_oid,
        acknowledge_by=referral.acknowledge_by,
    )


def _contracts(referral: Referral) -> list[IntegrationEvent]:
    change = referral.changes[0] if referral.changes else None
    if change == "made":  # a new referral, or one that waited for its student's unit
        return [referral_made(referral)]
    if change == "accepted":
        assert referral.accepted_by_oid and referral.accepted_at
        return [ReferralAccepted(referral_id=referral.referral_id, student_oid=referral.student_oid,
                                 accepted_by_oid=referral.accepted_by_oid, accepted_at=referral.accepted_at,
                                 target=referral.target, unit_id=referral.unit_id)]
    if change in ("closed", "cancelled"):
        assert referral.closed_by_oid and referral.closed_at and referral.outcome_code
        return [ReferralClosed(referral_id=referral.referral_id, student_oid=referral.student_oid,
                               status=change, outcome_code=referral.outcome_code,
                               closed_by_oid=referral.closed_by_oid, closed_at=referral.closed_at,
                               referred_by_oid=referral.made_by_oid, target=referral.target,
                               unit_id=referral.unit_id)]
    if change == "overdue":
        return [ReferralOverdue(referral_id=referral.referral_id, student_oid=referral.student_oid,
                                target=referral.target, acknowledge_by=referral.acknowledge_by,
                                assignee_oid=referral.assignee_oid)]
    return []  # routed, a meeting planned, moved or cancelled: internal


def events_of(referral: Referral) -> list[Outgoing]:
    """The public events of the referral's last transition (none for an internal one)."""
    return [Outgoing(e, event_id=deterministic_event_id(e.event_type, referral.referral_id))
            for e in _contracts(referral)]
