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

Two ways to apply: ``apply_batch`` one event at a time (domain events; per-key order), and
``apply_folded`` the whole batch's readable events at once (bulk feeds that fold a batch into one
write per document: the SIS views, the reports). Both read, skip, dead-letter and count the same way.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

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
#: records read between two turns of the event loop given to the process's other work
YIELD_EVERY = 500


@dataclass
class ReadBatch:
    """A batch's readable events, with their envelopes and raw records at the same index."""

    events: list[Any] = field(default_factory=list)
    metas: list[EventMeta] = field(default_factory=list)
    records: list[Any] = field(default_factory=list)


async def read_batch(records: Sequence[Any], *, reads: Reads, adapter: TypeAdapter[Any],
                     runtime: ServiceRuntime) -> ReadBatch:
    """Each record read against its contract: a type the consumer does not read is skipped and
    counted, an unreadable one dead-lettered with its reason, the rest returned in order."""
    sink = runtime.dead_letters
    assert sink is not None
    batch = ReadBatch()
    for n, record in enumerate(records, 1):
        if n % YIELD_EVERY == 0:  # a bulk batch is seconds of reading: the other consumers run meanwhile
            await asyncio.sleep(0)
        if not reads.reads_type_of(record):
            runtime.metrics.not_read(record)
            continue
        try:
            event, meta = reads.read_record(record, adapter)
        except ValueError as exc:  # envelope, version or contract: never applicable
            await sink.dead_letter(record, exc)
            continue
        batch.events.append(event)
        batch.metas.append(meta)
        batch.records.append(record)
    return batch


class Refusal(Protocol):
    """An event of a folded batch the store or a rule refused (``index`` into the events given)."""

    index: int


class FoldOutcome(Protocol):
    """What a folded apply did: counts by (event type, result), and the refused events."""

    counts: Mapping[tuple[str, str], int]
    rejected: Sequence[Refusal]


#: Applies a batch's readable events at once.
ApplyAll = Callable[[list[Any]], Awaitable[FoldOutcome]]


async def apply_folded(records: Sequence[Any], *, reads: Reads, adapter: TypeAdapter[Any], apply_all: ApplyAll,
                       runtime: ServiceRuntime) -> ReadBatch:
    """Read the batch, apply its readable events with one ``apply_all`` call, dead-letter what it
    refused (the refusal is the reason), count the rest. A transient failure raises after the
    back-off: the batch stays uncommitted and comes again (``apply_all`` must be idempotent).
    Returns the batch read (for a caller's follow-up work)."""
    sink = runtime.dead_letters
    assert sink is not None
    batch = await read_batch(records, reads=reads, adapter=adapter, runtime=runtime)
    if not batch.events:
        return batch
    try:
        outcome = await apply_all(batch.events)
    except Exception as exc:
        if sink.is_transient(exc):
            await asyncio.sleep(sink.retry_backoff_s)
        raise
    for refused in outcome.rejected:
        await sink.dead_letter(batch.records[refused.index], refused)  # type: ignore[arg-type]
    for (event_type, result), n in outcome.counts.items():
        runtime.metrics.events_applied.labels(event_type=event_type, result=result).inc(n)
    now = datetime.now(UTC)
    for n, (event, meta) in enumerate(zip(batch.events, batch.metas, strict=True), 1):
        if n % YIELD_EVERY == 0:
            await asyncio.sleep(0)
        runtime.metrics.event_to_view.labels(event_type=event.event_type).observe(
            max(0.0, (now - meta.time).total_seconds()))
    return batch


async def apply_batch(records: Sequence[Any], *, reads: Reads, adapter: TypeAdapter[Any], apply: Apply,
                      runtime: ServiceRuntime, concurrency: int = 1) -> None:
    sink = runtime.dead_letters
    assert sink is not None
    batch = await read_batch(records, reads=reads, adapter=adapter, runtime=runtime)
    by_key: dict[Any, list[int]] = defaultdict(list)
    for index, record in enumerate(batch.records):
        by_key[getattr(record, "key", None)].append(index)
    gate = asyncio.Semaphore(concurrency)

    async def apply_in_order(same_key: list[int]) -> None:
        async with gate:
            for index in same_key:
                event, meta = batch.events[index], batch.metas[index]
                try:
                    result = await apply(event, meta)
                except Exception as exc:
                    if sink.is_transient(exc):
                        await asyncio.sleep(sink.retry_backoff_s)
                        raise  # the batch stays uncommitted and comes again
                    await sink.dead_letter(batch.records[index], exc)
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
