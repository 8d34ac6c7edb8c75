"""Domain events consumed in batches, each one read, applied and counted on its own.

One Kafka commit per batch instead of one per event: a burst (a year's plan is ~600
``meeting-scheduled`` at once) is applied at the store's pace, not at the pace of a commit round
trip per event. The policy for a type the consumer does not read (a new event type added to a
topic it reads): skipped and counted in ``hoks_events_not_read_total``, never dead-lettered; the
consumer declares its types in ``Reads(majors, event_types=...)``. Inside a batch the events of one key (one entity: the partition key) are applied
one after another, in their order; different keys up to ``concurrency`` at a time. A record that is not an event this consumer reads, or that its handler refuses, goes to
the dead-letter topic with the reason and the batch goes on; a transient failure (store or
broker unreachable) leaves the whole batch uncommitted, to be delivered again after a pause:
the handlers are idempotent, so what was applied before the failure is applied once.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from faststream.kafka import KafkaMessage, KafkaRouter
from pydantic import TypeAdapter

from hoks_shared.contracts.envelope import EventMeta
from hoks_shared.messaging.broker import batch_subscriber
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.runtime.service import ServiceRuntime
from hoks_shared.topics import Topic

#: Applies one event; returns the result counted in ``hoks_events_applied_total``.
Apply = Callable[[Any, EventMeta], Awaitable[str]]

#: events fetched at once at the most: a burst is applied in a few batches, and a batch delivered
#: again after a transient failure is short
DOMAIN_BATCH = 500


async def apply_batch(records: Sequence[Any], *, reads: Reads, adapter: TypeAdapter[Any], apply: Apply,
                      runtime: ServiceRuntime, concurrency: int = 1) -> None:
    sink = runtime.dead_letters
    assert sink is not None
    by_key: dict[Any, list[Any]] = defaultdict(list)
    for record in records:
        by_key[getattr(record, "key", None)].append(record)
    gate = asyncio.Semaphore(concurrency)

    async def apply_in_order(same_key: list[Any]) -> None:
        async with gate:
            for record in same_key:
                if not reads.reads_type_of(record):
                    runtime.metrics.not_read(record)
                    continue
                try:
                    event, meta = reads.read_record(record, adapter)
                except ValueError as exc:  # envelope, version or contract: never applicable
                    await sink.dead_letter(record, exc)
                    continue
                try:
                    result = await apply(event, meta)
                except Exception as exc:
                    if sink.is_transient(exc):
                        await asyncio.sleep(sink.retry_backoff_s)
                        raise  # the batch stays uncommitted and comes again
                    await sink.dead_letter(record, exc)
                    continue
                runtime.metrics.observe_applied(event.event_type, result, meta.time)

    try:
        async with asyncio.TaskGroup() as group:  # a failure stops the others
            for same_key in by_key.values():
                group.create_task(apply_in_order(same_key))
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None


def typed_batch_router(runtime: ServiceRuntime, topics: list[Topic], *, reads: Reads, adapter: TypeAdapter[Any],
                       apply: Apply, max_records: int = DOMAIN_BATCH, concurrency: int = 1) -> KafkaRouter:
    """A router whose one subscriber applies ``topics``' events in batches with ``apply`` (events
    of different keys ``concurrency`` at a time: only where their effects are independent)."""
    router = KafkaRouter()

    @batch_subscriber(router, runtime.naming, topics, runtime.group_id, max_records=max_records)
    async def on_batch(msg: KafkaMessage) -> None:
        await apply_batch(msg.raw_message, reads=reads, adapter=adapter, apply=apply, runtime=runtime,
                          concurrency=concurrency)

    return router
