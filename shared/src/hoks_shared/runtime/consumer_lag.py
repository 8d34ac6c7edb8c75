"""Consumer lag per consumer group, topic and partition, as the Prometheus gauge ``hoks_consumer_lag``.

Every collection asks Kafka for the committed offsets of the service's consumer groups (admin
API) and the end offsets of their topics (a group-less consumer), and replaces the gauge's
children. A partition the group never committed counts from the beginning offset (the
subscribers read from ``earliest``). Topics that do not exist yet are skipped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from hoks_shared.messaging.security import aiokafka_options
from hoks_shared.metrics import ServiceMetrics
from hoks_shared.settings import KafkaSettings

log = logging.getLogger(__name__)

#: (group, topic, partition) -> lag
LagTable = dict[tuple[str, str, int], int]


def subscribed_groups(broker: Any) -> dict[str, list[str]]:
    """Consumer group -> topics, read from the broker's subscribers (FastStream)."""
    groups: dict[str, list[str]] = {}
    for subscriber in broker.subscribers:
        group = getattr(subscriber, "group_id", None)
        if not group:
            continue
        names = groups.setdefault(group, [])
        # subscribed topics, or the topics of partitions assigned by hand (reporting's replicas)
        for topic in [*getattr(subscriber, "topics", ()), *getattr(subscriber, "partitions", ())]:
            name = getattr(topic, "name", None) or getattr(topic, "topic", topic)
            if isinstance(name, str) and name not in names:
                names.append(name)
    return groups


def partition_lag(end: int, committed: int | None, beginning: int) -> int:
    """Messages the group still has to process on one partition."""
    position = beginning if committed is None or committed < 0 else committed
    return max(0, end - max(position, beginning))


def lag_table(
    groups: Mapping[str, Sequence[str]],
    partitions: Mapping[str, Sequence[int]],
    committed: Mapping[str, Mapping[tuple[str, int], int]],
    beginning: Mapping[tuple[str, int], int],
    end: Mapping[tuple[str, int], int],
) -> LagTable:
    table: LagTable = {}
    for group, topics in groups.items():
        for topic in topics:
            for p in partitions.get(topic, ()):
                key = (topic, p)
                if key not in end:
                    continue
                table[(group, topic, p)] = partition_lag(end[key], committed.get(group, {}).get(key),
                                                         beginning.get(key, 0))
    return table


class ConsumerLagCollector:
    def __init__(self, kafka: KafkaSettings, groups: Mapping[str, Sequence[str]], metrics: ServiceMetrics,
                 client_id: str = "hoks-lag") -> None:
        self.kafka = kafka
        self.groups = {g: list(t) for g, t in groups.items()}
        self.metrics = metrics
        self.client_id = client_id
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None or self._consumer is None:
            options = aiokafka_options(self.kafka)
            admin = AIOKafkaAdminClient(bootstrap_servers=self.kafka.bootstrap_servers,
                                        client_id=f"{self.client_id}-admin", **options)
            consumer = AIOKafkaConsumer(bootstrap_servers=self.kafka.bootstrap_servers, group_id=None,
                                        enable_auto_commit=False, client_id=f"{self.client_id}-offsets",
                                        **options)
            try:
                await admin.start()
                await consumer.start()
            except BaseException:
                await _close_quietly(admin, consumer)
                raise
            self._admin, self._consumer = admin, consumer
        return self._admin, self._consumer

    async def read(self) -> LagTable:
        admin, consumer = await self._clients()
        topics = sorted({t for ts in self.groups.values() for t in ts})
        partitions: dict[str, list[int]] = {}
        for description in await admin.describe_topics(topics):
            if description.get("error_code", 0) == 0:
                partitions[description["topic"]] = sorted(p["partition"] for p in description["partitions"])
        tps = [TopicPartition(t, p) for t, ps in partitions.items() for p in ps]
        if not tps:
            return {}
        end_offsets = await consumer.end_offsets(tps)
        begin_offsets = await consumer.beginning_offsets(tps)
        committed: dict[str, dict[tuple[str, int], int]] = {}
        for group in self.groups:
            offsets = await admin.list_consumer_group_offsets(group)
            committed[group] = {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items()}
        return lag_table(
            self.groups, partitions, committed,
            {(tp.topic, tp.partition): o for tp, o in begin_offsets.items()},
            {(tp.topic, tp.partition): o for tp, o in end_offsets.items()},
        )

    async def collect(self) -> LagTable:
        """Read the lag and publish it on the gauge; on failure drop the clients (reconnect next time)."""
        try:
            table = await self.read()
        except BaseException:
            await self.close()
            raise
        gauge = self.metrics.consumer_lag
        gauge.clear()
        for (group, topic, partition), lag in table.items():
            gauge.labels(group=group, topic=topic, partition=str(partition)).set(lag)
        self.metrics.consumer_lag_collected.set(time.time())
        log.debug("consumer lag collected", extra={"partitions": len(table), "total_lag": sum(table.values())})
        return table

    async def close(self) -> None:
        admin, consumer = self._admin, self._consumer
        self._admin = self._consumer = None
        await _close_quietly(admin, consumer)


async def _close_quietly(admin: AIOKafkaAdminClient | None, consumer: AIOKafkaConsumer | None) -> None:
    for client, stop in ((consumer, "stop"), (admin, "close")):
        if client is None:
            continue
        try:
            await getattr(client, stop)()
        except Exception as exc:  # closing a half-open client may fail; nothing left to do
            log.debug("closing a Kafka client failed", extra={"error": repr(exc)})
