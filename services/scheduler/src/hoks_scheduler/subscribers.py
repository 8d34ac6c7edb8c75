"""Kafka subscribers of the scheduler service."""

from __future__ import annotations

from faststream.kafka import KafkaRouter

from hoks_scheduler.adapters.repository import MongoGroupRepository
from hoks_scheduler.handlers import record_group
from hoks_shared.contracts.sis import GroupUpserted
from hoks_shared.messaging.broker import subscriber
from hoks_shared.messaging.envelope_dependency import Envelope
from hoks_shared.runtime.service import ServiceRuntime
from hoks_shared.topics import SIS_GROUPS


def build_router(runtime: ServiceRuntime, groups: MongoGroupRepository) -> KafkaRouter:
    router = KafkaRouter()

    @subscriber(router, runtime.naming, SIS_GROUPS, runtime.group_id)
    async def on_group(event: GroupUpserted, meta: Envelope) -> None:
        result = await record_group(event, groups)
        runtime.metrics.observe_applied(event.event_type, result, meta.time)

    return router
