"""The Kafka edge of the SIS views: batches from the SIS topics, each record validated on its own.

An invalid record (bad JSON, contract violation, missing CloudEvents headers) or one the store
refuses goes to its dead-letter topic with the reason; the rest of the batch is applied by
``SisViews`` (one insert or ``$set`` per touched document). A transient failure (store
unreachable) leaves the whole batch uncommitted, to be redelivered; the version checks make the
repeat harmless. The topics are read in step by record time (``messaging.in_step_reading``), so
that a student's records on the seven SIS topics share a batch and a resync writes each student
once (at 350,000 students, ~3.7 writes a student before).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener
from faststream.kafka import KafkaMessage, KafkaRouter
from pydantic import TypeAdapter

from hoks_shared.contracts.sis import SisEvent
from hoks_shared.messaging.broker import batch_subscriber
from hoks_shared.messaging.consumer_lanes import mark_lane
from hoks_shared.messaging.in_step_reading import InStepReading, partition_progress
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.messaging.typed_batches import apply_folded
from hoks_shared.runtime.service import ServiceRuntime
from hoks_shared.sisviews.projection import SisViews
from hoks_shared.sisviews.store_budget import StoreBudget
from hoks_shared.topics import Topic

log = logging.getLogger(__name__)
_SIS_EVENT: TypeAdapter[Any] = TypeAdapter(SisEvent)
#: The major schema versions of the SIS feed events the views are written for.
READS = Reads({1})
#: Records a SIS batch holds at the most. A student's records on the several SIS topics fold into
#: one document write only when they are in one batch (reading in step sees to that), and on
#: FerretDB inserting a whole new document costs ~1/10 of a ``$set`` to an existing one; the
#: memory is ~1 KB a record, and the records carried to the next batch come on top.
SIS_BATCH = 50_000
#: Bytes a SIS partition fetch brings at the most. Read in step, a partition ahead of the horizon
#: carries what it fetched beyond it to the next batch: the carried records are bounded by the
#: partitions times this (8 MiB: up to 259,000 records carried at 350,000 students; 1 MiB: 50,000,
#: with the same one write a student).
SIS_FETCH_BYTES = 2 * 1024 * 1024


#: Called with the batch's applied SIS events (e.g. to route what waited for them); its failure is
#: logged, never fails the batch (the caller's periodic pass catches up).
AfterBatch = Callable[[Sequence[Any]], Awaitable[None]]


async def ingest_batch(records: Sequence[Any], views: SisViews, runtime: ServiceRuntime,
                       after_batch: AfterBatch | None = None) -> None:
    """Validate, dead-letter what is invalid, apply the rest; raises only on transient failures."""
    batch = await apply_folded(records, reads=READS, adapter=_SIS_EVENT, apply_all=views.apply, runtime=runtime)
    if after_batch is not None and batch.events:
        try:
            await after_batch(batch.events)
        except Exception:  # noqa: BLE001 - the views are applied; the caller's periodic pass catches up
            log.warning("after-batch hook failed", exc_info=True)


class ForgetOnRebalance(ConsumerRebalanceListener):
    """Partitions moved: what this consumer remembers writing may no longer be the latest, and
    what it knew of its partitions' progress is about other partitions."""

    def __init__(self, views: SisViews, in_step: InStepReading | None = None) -> None:
        self.views = views
        self.in_step = in_step or InStepReading()

    async def on_partitions_revoked(self, revoked: Any) -> None:
        self.views.forget()
        self.in_step.forget()

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.views.forget()
        self.in_step.forget()


async def ingest_in_step(msg: KafkaMessage, in_step: InStepReading, views: SisViews, runtime: ServiceRuntime,
                         after_batch: AfterBatch | None = None) -> None:
    """The batch up to its horizon (``in_step_reading``): a student's records on the SIS topics
    share a batch, so a resync inserts each student once instead of updating it on every topic's
    turn. A consumer that cannot be steered (the in-memory test broker's) gets the batch whole."""
    consumer = msg.consumer
    if not isinstance(consumer, AIOKafkaConsumer):
        await ingest_batch(msg.raw_message, views, runtime, after_batch)
        return
    now = in_step.take(msg.raw_message, await partition_progress(consumer))
    try:
        await ingest_batch(now, views, runtime, after_batch)
    except BaseException:
        in_step.release(consumer, consumer.paused())
        raise
    in_step.steer(consumer, consumer.paused())


def build_sis_router(runtime: ServiceRuntime, views: SisViews, topics: list[Topic],
                     after_batch: AfterBatch | None = None) -> KafkaRouter:
    """The service's SIS consumer (group ``<group>-sis``, apart from its domain consumers), its
    store commands within the service's SIS share of the store (``sis_store_share``)."""
    router = KafkaRouter()
    views.store.budget = StoreBudget(runtime.settings.sis_store_share)
    in_step = InStepReading()

    @batch_subscriber(router, runtime.naming, topics, runtime.group_id + "-sis", max_records=SIS_BATCH,
                      max_partition_fetch_bytes=SIS_FETCH_BYTES, listener=ForgetOnRebalance(views, in_step))
    async def on_sis_batch(msg: KafkaMessage) -> None:
        await ingest_in_step(msg, in_step, views, runtime, after_batch)

    return mark_lane(router, "sis")
