"""The Kafka edge: the partitions this replica owns, in three batch consumers, calling the use cases.

Entities in two lanes, one for the domain events (and the checklist rows) and one for the SIS
feeds, so that a full SIS resync (hundreds of thousands of records buffered by the fetcher) never
stands in front of a completed checklist; a batch of either lane waits only for a batch that writes
one of its entities (``EntityLocks``: both lanes write students' entities). Aggregates in a third
consumer, over the member changes.

Every record is read against its contract by the shared typed batch reader
(``typed_batches.read_batch``: a type the report does not read is skipped and counted, an
unreadable record dead-lettered with its reason, the rest applied); a transient store or broker
failure leaves the batch uncommitted, to be redelivered after a pause (the use cases are
idempotent). A completed checklist is keyed by its group: it is split into single-row checklists
re-keyed by student (``hoks.reporting.checklist-rows.v1``, as Kafka Streams repartitions) and
applied from there, by the owner of each student.

Partitions are assigned by configuration (``HOKS_REPORT_REPLICA`` of ``HOKS_REPORT_REPLICAS``,
see ``domain.shares``), not by a group rebalance; the groups only keep the committed offsets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from faststream.kafka import KafkaMessage, KafkaRouter, TopicPartition

from hoks_reporting.adapters.event_decoding import DOMAIN_TOPICS, READS, REPORT_EVENT, SIS_REPORT_TOPICS
from hoks_reporting.adapters.internal_topics import (
    CHECKLIST_ROWS,
    MEMBER_CHANGES,
    Send,
    first_row,
    read_change,
    row_records,
    send_all,
)
from hoks_reporting.adapters.settings import ReportSettings
from hoks_reporting.domain.projection import Changes
from hoks_reporting.domain.shares import owned_partitions
from hoks_reporting.handlers.ports import StageDeps
from hoks_reporting.handlers.projection import ApplyEvents, ApplyMemberChanges, apply_member_changes
from hoks_reporting.handlers.projection import apply_to_entities
from hoks_shared.contracts.meetings import ChecklistCompleted
from hoks_shared.messaging.broker import batch_subscriber
from hoks_shared.messaging.typed_batches import read_batch
from hoks_shared.runtime.service import ServiceRuntime


def sis_group(runtime: ServiceRuntime) -> str:
    return runtime.group_id + "-report-sis"


def aggregates_group(runtime: ServiceRuntime) -> str:
    return runtime.group_id + "-report-agg"


class ReportStages:
    """The two stages over Kafka records: ``entities`` (both lanes) and ``aggregates``."""

    def __init__(self, deps: StageDeps, runtime: ServiceRuntime, send: Send) -> None:
        self.deps = deps
        self.runtime = runtime
        self.send = send
        self.rows_topic = runtime.naming.prefix + CHECKLIST_ROWS
        self.changes_topic = runtime.naming.prefix + MEMBER_CHANGES

    async def _backing_off(self, work: Callable[[], Awaitable[Any]]) -> Any:
        """Run ``work``; after a transient failure wait the back-off before the batch comes again."""
        sink = self.runtime.dead_letters
        assert sink is not None
        try:
            return await work()
        except Exception as exc:
            if sink.is_transient(exc):
                await asyncio.sleep(sink.retry_backoff_s)
            raise

    async def entities(self, records: Sequence[Any]) -> int:
        """Apply a batch to the entities this replica owns; returns the events applied."""
        batch = await read_batch(records, reads=READS, adapter=REPORT_EVENT, runtime=self.runtime)
        events, observed, rows = [], [], []
        for event, meta, record in zip(batch.events, batch.metas, batch.records, strict=True):
            if isinstance(event, ChecklistCompleted) and record.topic != self.rows_topic:
                rows += [(self.rows_topic, *row) for row in row_records(event, record.headers)]
                continue
            events.append(event)
            if record.topic != self.rows_topic or first_row(record):  # a checklist is observed once
                observed.append((len(events) - 1, meta))

        async def apply() -> Any:
            await send_all(self.send, rows)
            return await apply_to_entities(ApplyEvents(events), self.deps)

        results = await self._backing_off(apply)
        for index, meta in observed:
            self.runtime.metrics.observe_applied(events[index].event_type, results[index], meta.time)
        return len(events)

    async def aggregates(self, records: Sequence[Any]) -> int:
        """Apply a batch of member changes to the aggregates this replica owns; returns how many."""
        sink = self.runtime.dead_letters
        assert sink is not None
        changes: Changes = {}
        count = 0
        for record in records:
            try:
                agg_id, member, contribution = read_change(record)
            except ValueError as exc:
                await sink.dead_letter(record, exc)
                continue
            changes.setdefault(agg_id, {})[member] = contribution  # in the partition's order: the last holds
            count += 1
        await self._backing_off(lambda: apply_member_changes(ApplyMemberChanges(changes), self.deps))
        return count


def build_router(runtime: ServiceRuntime, stages: ReportStages, report: ReportSettings) -> KafkaRouter:
    router = KafkaRouter()
    mine = owned_partitions(report.replica, report.replicas, report.partitions)
    naming = runtime.naming

    def owned(*names: str) -> list[TopicPartition]:
        return [TopicPartition(name, p, declare=False) for name in names for p in mine]

    domain = owned(*(naming.name(t) for t in DOMAIN_TOPICS), naming.prefix + CHECKLIST_ROWS)
    sis = owned(*(naming.name(t) for t in SIS_REPORT_TOPICS))
    changes = owned(naming.prefix + MEMBER_CHANGES)

    @batch_subscriber(router, naming, [], runtime.group_id, max_records=report.batch_max_records, partitions=domain)
    async def on_report_domain_batch(msg: KafkaMessage) -> None:
        await stages.entities(msg.raw_message)

    @batch_subscriber(router, naming, [], sis_group(runtime), max_records=report.sis_batch_max_records,
                      partitions=sis)
    async def on_report_sis_batch(msg: KafkaMessage) -> None:
        await stages.entities(msg.raw_message)

    @batch_subscriber(router, naming, [], aggregates_group(runtime), max_records=report.batch_max_records,
                      partitions=changes)
    async def on_report_aggregate_batch(msg: KafkaMessage) -> None:
        await stages.aggregates(msg.raw_message)

    return router
