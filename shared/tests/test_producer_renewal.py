"""After a refused batch the relay renews the producer (otherwise: OutOfOrderSequenceNumber for ever)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError, OutOfOrderSequenceNumber

from hoks_shared.messaging.producer_renewal import spends_the_producer
from hoks_shared.metrics import ServiceMetrics
from hoks_shared.store.outbox import OUTBOX, OutboxRelay


class Collection:
    """Enough of a collection for the relay's notified path (read by _id, bulk removal)."""

    name = "things"

    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs = docs

    async def find_one(self, flt: dict[str, Any], projection: Any = None) -> dict[str, Any] | None:
        return self.docs.get(flt["_id"])

    async def bulk_write(self, ops: list[Any], ordered: bool = True) -> None:
        for op in ops:
            doc = self.docs[op._filter["_id"]]
            gone = op._doc["$pullAll"][OUTBOX]
            doc[OUTBOX] = [e for e in doc[OUTBOX] if e not in gone]


class Producer:
    """Refuses every send with ``error`` until renewed."""

    def __init__(self, error: BaseException) -> None:
        self.error: BaseException | None = error
        self.sent: list[str] = []
        self.renewals = 0

    async def send(self, entry: dict[str, Any]) -> Any:
        if self.error is not None:
            failed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            failed.set_exception(self.error)
            return failed
        self.sent.append(entry["id"])
        return None

    async def renew(self) -> None:
        self.renewals += 1
        self.error = None


async def relay_with(error: BaseException) -> tuple[OutboxRelay, Producer, Collection]:
    collection = Collection({"a": {"_id": "a", OUTBOX: [{"id": "e1", "topic": "t"}, {"id": "e2", "topic": "t"}]}})
    producer = Producer(error)
    relay = OutboxRelay([collection], producer.send, ServiceMetrics("renewal"),  # type: ignore[list-item]
                        renew_producer=producer.renew, spent=spends_the_producer)
    return relay, producer, collection


async def test_a_refused_batch_renews_the_producer_and_the_next_pass_publishes():
    relay, producer, collection = await relay_with(OutOfOrderSequenceNumber())
    relay.notify("things", "a")
    assert await relay.drain_once(sweep=False) == 0
    assert producer.renewals == 1
    relay.notify("things", "a")
    assert await relay.drain_once(sweep=False) == 2
    assert producer.sent == ["e1", "e2"] and collection.docs["a"][OUTBOX] == []


async def test_a_size_refusal_also_renews_but_a_broker_outage_does_not():
    relay, producer, _ = await relay_with(MessageSizeTooLargeError())
    relay.notify("things", "a")
    await relay.drain_once(sweep=False)
    assert producer.renewals == 1
    relay, producer, _ = await relay_with(KafkaConnectionError())
    relay.notify("things", "a")
    await relay.drain_once(sweep=False)
    assert producer.renewals == 0  # the producer reconnects on its own; its sequences are intact
