"""Kafka subscribers of the reporting service."""

from __future__ import annotations

from faststream.kafka import KafkaRouter

from hoks_reporting.adapters.repository import MongoSummaryRepository
from hoks_reporting.handlers import record_checklist
from hoks_shared.contracts.meetings import ChecklistCompleted, MeetingOutcomeEvent
from hoks_shared.messaging.broker import subscriber
from hoks_shared.messaging.envelope_dependency import Envelope
from hoks_shared.runtime.service import ServiceRuntime
from hoks_shared.topics import MEETING_OUTCOMES


def build_router(runtime: ServiceRuntime, summaries: MongoSummaryRepository) -> KafkaRouter:
    router = KafkaRouter()

    @subscriber(router, runtime.naming, MEETING_OUTCOMES, runtime.group_id)
    async def on_meeting_outcome(event: MeetingOutcomeEvent, meta: Envelope) -> None:
        if isinstance(event, ChecklistCompleted):
            result = await record_checklist(event, meta, summaries)
            runtime.metrics.observe_applied(event.event_type, result, meta.time)

    return router
