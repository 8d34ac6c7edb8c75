"""The Kafka edge: the partitions this replica owns, in three batch consumers.

Entities in two lanes, one for the domain events (and the checklist rows) and one for the SIS
feeds, so that a full SIS resync (hundreds of thousands of records buffered by the fetcher) never
stands in front of a completed checklist; a batch of either lane waits only for a batch that writes
one of its entities (``EntityLocks``: both lanes write students' entities). Aggregates in a third consumer, over the member changes. Partitions are assigned by
configuration (``HOKS_REPORT_REPLICA`` of ``HOKS_REPORT_REPLICAS``, see ``domain.shares``), not by
a group rebalance; the groups only keep the committed offsets. A record that breaks its contract
goes to its dead-letter topic; the rest of the batch is applied; a transient store or broker
failure leaves the batch uncommitted, to be redelivered.
"""

from __future__ import annotations

from faststream.kafka import KafkaMessage, KafkaRouter, TopicPartition

from hoks_reporting.adapters.internal_topics import CHECKLIST_ROWS, MEMBER_CHANGES
from hoks_reporting.domain.shares import owned_partitions
from hoks_reporting.event_decoding import DOMAIN_TOPICS, SIS_REPORT_TOPICS
from hoks_reporting.pipeline import Pipeline
from hoks_reporting.report_settings import ReportSettings
from hoks_shared.messaging.broker import batch_subscriber
from hoks_shared.runtime.service import ServiceRuntime


def sis_group(runtime: ServiceRuntime) -> str:
    return runtime.group_id + "-report-sis"


def aggregates_group(runtime: ServiceRuntime) -> str:
    return runtime.group_id + "-report-agg"


def build_router(runtime: ServiceRuntime, pipeline: Pipeline, report: ReportSettings) -> KafkaRouter:
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
        await pipeline.entities(msg.raw_message)

    @batch_subscriber(router, naming, [], sis_group(runtime), max_records=report.sis_batch_max_records,
                      partitions=sis)
    async def on_report_sis_batch(msg: KafkaMessage) -> None:
        await pipeline.entities(msg.raw_message)

    @batch_subscriber(router, naming, [], aggregates_group(runtime), max_records=report.batch_max_records,
                      partitions=changes)
    async def on_report_aggregate_batch(msg: KafkaMessage) -> None:
        await pipeline.aggregates(msg.raw_message)

    return router
