"""Kafka subscribers of the scheduler: ``referral-made`` becomes a student-level meeting;
``meeting-held`` marks a planned meeting held (the plan overview shows held / not held)."""

from __future__ import annotations

import logging
from typing import Any

from faststream.kafka import KafkaRouter

from hoks_scheduler.handlers import SchedulerDeps, on_meeting_held, on_referral_made
from hoks_shared.contracts.meetings import MeetingHeld
from hoks_shared.contracts.referrals import ReferralMade
from hoks_shared.messaging.broker import subscriber
from hoks_shared.messaging.envelope_dependency import Envelope
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.runtime.service import ServiceRuntime
from hoks_shared.store.idempotent import ApplyResult
from hoks_shared.topics import MEETING_OUTCOMES, REFERRALS

log = logging.getLogger(__name__)


#: The major schema versions of the events this service reads (it skips the other events of those topics).
READS_REFERRALS = Reads({1}, event_types={ReferralMade.EVENT_TYPE})
READS_OUTCOMES = Reads({1}, event_types={MeetingHeld.EVENT_TYPE})


def build_router(runtime: ServiceRuntime, deps: SchedulerDeps) -> KafkaRouter:
    router = KafkaRouter()

    @subscriber(router, runtime.naming, REFERRALS, runtime.group_id, reads=READS_REFERRALS)
    async def on_referral(body: dict[str, Any], meta: Envelope) -> None:
        # Other referral events (accepted, closed, overdue and any the referrals service adds
        # later) are not the scheduler's business: skipped, never dead-lettered.
        if body.get("event_type") != ReferralMade.EVENT_TYPE:
            return
        event = ReferralMade.model_validate(body)  # a malformed referral-made goes to the DLQ
        result = await on_referral_made(deps, event)
        log.info("referral handled", extra={"referral_id": event.referral_id, "status": result.status,
                                            "meeting_id": result.meeting_id, "reason": result.reason})
        applied = ApplyResult.APPLIED if result.status == "scheduled" else ApplyResult.DUPLICATE
        runtime.metrics.observe_applied(event.event_type, applied, meta.time)

    @subscriber(router, runtime.naming, MEETING_OUTCOMES, runtime.group_id, reads=READS_OUTCOMES)
    async def on_outcome(body: dict[str, Any], meta: Envelope) -> None:
        # checklist-completed and any other outcome are the referrals' and reports' business
        if body.get("event_type") != MeetingHeld.EVENT_TYPE:
            return
        event = MeetingHeld.model_validate(body)
        known = await on_meeting_held(deps, event.meeting_id, event.held_on)
        runtime.metrics.observe_applied(event.event_type, ApplyResult.APPLIED if known else ApplyResult.DUPLICATE,
                                        meta.time)

    return router
