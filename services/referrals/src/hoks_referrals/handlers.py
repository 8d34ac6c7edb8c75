"""Use cases of the referrals service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hoks_referrals.adapters.repository import ReferralRepository
from hoks_referrals.domain.referral import Referral, referrals_from_checklist
from hoks_shared.contracts.envelope import deterministic_event_id
from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.meetings import ChecklistCompleted
from hoks_shared.contracts.referrals import ReferralMade


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
        acknowledge_by=referral.acknowledge_by,
    )


async def refer_from_checklist(
    event: ChecklistCompleted,
    referrals: ReferralRepository,
    outbox_entry: Callable[[IntegrationEvent, str], dict[str, Any]],
) -> list[str]:
    """Create the referrals a completed checklist decided; returns the ids newly created.

    The ``referral-made`` event is stored with the referral (outbox) and has a deterministic id.
    """
    created = []
    for referral in referrals_from_checklist(event):
        event_id = deterministic_event_id("referral-made", referral.referral_id)
        entry = outbox_entry(referral_made(referral), event_id)
        if await referrals.create(referral, [entry]):
            created.append(referral.referral_id)
    return created
