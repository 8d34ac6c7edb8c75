"""The Kafka edge: two batch consumers, one for the domain events and one for the SIS feeds.

Two consumers so that a full SIS resync (hundreds of thousands of records buffered by the
fetcher) never stands in front of a completed checklist; one lock so that the projector still
applies one batch at a time: every report document has a single writer (see ``projector``).
A record that breaks its contract goes to its dead-letter topic; the rest of the batch is
applied; a transient store failure leaves the batch uncommitted, to be redelivered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Any

from aiokafka import ConsumerRebalanceListener
from faststream.kafka import KafkaMessage, KafkaRouter

from hoks_reporting.adapters.report_store import CachedReportStore
from hoks_reporting.event_decoding import DOMAIN_TOPICS, SIS_REPORT_TOPICS, decode
from hoks_reporting.projector import Projector, is_reported
from hoks_shared.messaging.broker import batch_subscriber
from hoks_shared.runtime.service import ServiceRuntime

log = logging.getLogger(__name__)


async def project_records(records: Sequence[Any], projector: Projector, runtime: ServiceRuntime,
                          lock: asyncio.Lock) -> int:
    assert runtime.dead_letters is not None
    events, metas = [], []
    for record in records:
        try:
            event, meta = decode(record, runtime.naming)
        except ValueError as exc:  # pydantic ValidationError and InvalidEnvelope are ValueErrors
            await runtime.dead_letters.dead_letter(record, exc)
            continue
        if is_reported(event):
            events.append(event)
            metas.append(meta)
    if not events:
        return 0
    started = time.perf_counter()
    try:
        async with lock:
            results = await projector.apply(events)
    except Exception as exc:
        if runtime.dead_letters.is_transient(exc):
            await asyncio.sleep(runtime.dead_letters.retry_backoff_s)
        raise
    for event, meta, result in zip(events, metas, results, strict=True):
        runtime.metrics.observe_applied(event.event_type, result, meta.time)
    log.debug("report batch applied", extra={"events": len(events),
                                             "ms": round(1000 * (time.perf_counter() - started), 1)})
    return len(events)


class ForgetOnRebalance(ConsumerRebalanceListener):
    """Partitions moved: another instance may have written documents this one remembers."""

    def __init__(self, store: CachedReportStore) -> None:
        self.store = store

    async def on_partitions_revoked(self, revoked: Any) -> None:
        self.store.clear()

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.store.clear()


def sis_group(runtime: ServiceRuntime) -> str:
    return runtime.group_id + "-report-sis"


def build_router(runtime: ServiceRuntime, projector: Projector, store: CachedReportStore,
                 max_records: int = 500, sis_max_records: int = 100) -> KafkaRouter:
    router = KafkaRouter()
    lock = asyncio.Lock()

    @batch_subscriber(router, runtime.naming, list(DOMAIN_TOPICS), runtime.group_id, max_records=max_records,
                      listener=ForgetOnRebalance(store))
    async def on_report_domain_batch(msg: KafkaMessage) -> None:
        await project_records(msg.raw_message, projector, runtime, lock)

    @batch_subscriber(router, runtime.naming, list(SIS_REPORT_TOPICS), sis_group(runtime), max_records=sis_max_records,
                      listener=ForgetOnRebalance(store))
    async def on_report_sis_batch(msg: KafkaMessage) -> None:
        await project_records(msg.raw_message, projector, runtime, lock)

    return router
