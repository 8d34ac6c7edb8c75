"""Kafka subscribers of the referrals service."""

from __future__ import annotations

from faststream.kafka import KafkaRouter

from hoks_referrals.adapters.repository import REFERRALS, MongoReferralRepository
from hoks_referrals.handlers import refer_from_checklist
from hoks_shared.contracts.meetings import ChecklistCompleted, MeetingOutcomeEvent
from hoks_shared.messaging.broker import subscriber
from hoks_shared.messaging.envelope_dependency import Envelope
from hoks_shared.runtime.service import ServiceRuntime
from hoks_shared.store.idempotent import ApplyResult
from hoks_shared.topics import MEETING_OUTCOMES


def build_router(runtime: ServiceRuntime, referrals: MongoReferralRepository) -> KafkaRouter:
    router = KafkaRouter()

    def outbox_entry(event, event_id):  # noqa: ANN001, ANN202 - adapter of the publisher
        return runtime.publisher.entry(event, event_id=event_id)

    @subscriber(router, runtime.naming, MEETING_OUTCOMES, runtime.group_id)
    async def on_meeting_outcome(event: MeetingOutcomeEvent, meta: Envelope) -> None:
        if not isinstance(event, ChecklistCompleted):
            return
        created = await refer_from_checklist(event, referrals, outbox_entry)
        if runtime.relay is not None:
            for referral_id in created:
                runtime.relay.notify(REFERRALS, referral_id)
        result = ApplyResult.APPLIED if created else ApplyResult.DUPLICATE
        runtime.metrics.observe_applied(event.event_type, result, meta.time)

    return router
