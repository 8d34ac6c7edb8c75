"""Publishing integration events: directly, or as outbox entries stored with the state change."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Any

from faststream.kafka import KafkaBroker

from hoks_shared.contracts.envelope import EventMeta, envelope_for
from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.store.outbox_writes import Outgoing
from hoks_shared.topics import TopicNaming, topic_of


class EventPublisher:
    def __init__(self, broker: KafkaBroker, naming: TopicNaming, source: str) -> None:
        self.broker = broker
        self.naming = naming
        self.source = source

    def entry(self, event: IntegrationEvent, *, event_id: str | None = None,
              time: datetime | None = None) -> dict[str, Any]:
        """The outbox entry for an event: everything needed to publish it later, unchanged."""
        meta = envelope_for(event, source=self.source, event_id=event_id, time=time)
        return {
            "id": meta.id,
            "topic": self.naming.name(topic_of(event)),
            "key": event.partition_key(),
            "headers": meta.to_headers(),
            "body": event.model_dump(mode="json"),
            "created_at": meta.time,
        }

    def outgoing_entry(self, outgoing: Outgoing) -> dict[str, Any]:
        """The entry of an event staged through an ``Outbox`` (``store/outbox_writes.py``)."""
        return self.entry(outgoing.event, event_id=outgoing.event_id, time=outgoing.time)

    async def publish_entry(self, entry: dict[str, Any]) -> None:
        await self.broker.publish(
            entry["body"], topic=entry["topic"], key=entry["key"].encode(), headers=entry["headers"]
        )

    async def send_entry(self, entry: dict[str, Any]) -> Awaitable[Any]:
        """Hand an entry to the producer and return its acknowledgement, to await later: the
        outbox relay sends many entries, then awaits them together (one round trip, not one each)."""
        return await self.broker.publish(
            entry["body"], topic=entry["topic"], key=entry["key"].encode(), headers=entry["headers"],
            no_confirm=True,
        )

    async def publish(self, event: IntegrationEvent, *, event_id: str | None = None,
                      meta: EventMeta | None = None) -> EventMeta:
        """Publish now (for events with no state change of their own, e.g. feeds and audit)."""
        entry = self.entry(event, event_id=event_id)
        if meta is not None:
            entry["headers"] = meta.to_headers()
            entry["id"] = meta.id
        await self.publish_entry(entry)
        return EventMeta.from_headers(entry["headers"])
