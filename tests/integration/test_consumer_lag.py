"""hoks_consumer_lag against the real broker: end offsets minus the group's committed offsets."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from prometheus_client import generate_latest

from hoks_shared.metrics import ServiceMetrics
from hoks_shared.runtime.consumer_lag import ConsumerLagCollector
from hoks_shared.settings import KafkaSettings
from hoks_shared.topics import SIS_STAFF, SIS_STUDENTS
from tests.integration.conftest import eventually, producer

pytestmark = pytest.mark.integration


async def test_lag_is_end_minus_committed_per_partition(stack):
    topic = stack.naming.name(SIS_STAFF)
    other = stack.naming.name(SIS_STUDENTS)
    group = f"lag-{uuid.uuid4().hex[:8]}"
    async with producer(stack) as p:
        for i in range(5):
            await p.send_and_wait(topic, b"{}", partition=0, key=f"k{i}".encode())
        for i in range(2):
            await p.send_and_wait(topic, b"{}", partition=1, key=f"k{i}".encode())
    kafka = KafkaSettings(bootstrap_servers=stack.bootstrap)
    metrics = ServiceMetrics("it")
    collector = ConsumerLagCollector(kafka, {group: [topic, other]}, metrics)
    try:
        before = await collector.collect()
        base0, base1 = before[(group, topic, 0)], before[(group, topic, 1)]
        assert base0 >= 5 and base1 >= 2  # nothing committed: everything since the beginning

        # commit all but 3 messages of partition 0 and everything of partition 1
        consumer = AIOKafkaConsumer(bootstrap_servers=stack.bootstrap, group_id=group, enable_auto_commit=False)
        await consumer.start()
        try:
            tp0, tp1 = TopicPartition(topic, 0), TopicPartition(topic, 1)
            end = await consumer.end_offsets([tp0, tp1])
            consumer.assign([tp0, tp1])
            await consumer.commit({tp0: OffsetAndMetadata(end[tp0] - 3, ""), tp1: OffsetAndMetadata(end[tp1], "")})
        finally:
            await consumer.stop()

        async def committed_lag():
            table = await collector.collect()
            return table if table[(group, topic, 0)] == 3 else None

        table = await eventually(committed_lag, timeout_s=20, what="lag after the commit")
        assert table[(group, topic, 1)] == 0
        assert {(t, p) for g, t, p in table} == {(t, p) for t in (topic, other) for p in range(6)}
        text = generate_latest(metrics.registry).decode()
        assert f'hoks_consumer_lag{{group="{group}",partition="0",topic="{topic}"}} 3.0' in text
        assert "hoks_consumer_lag_last_success_timestamp_seconds" in text
    finally:
        await collector.close()


async def test_a_service_app_exports_its_consumer_lag(stack):
    """create_app starts the collector after startup (interval shortened here) for both consumer groups."""
    from hoks_referrals.main import build

    settings = stack.settings("referrals")
    app, runtime = build(settings)
    runtime.consumer_lag_seconds = 0.5
    await app.start()
    try:
        async def exported():
            text = generate_latest(runtime.metrics.registry).decode()
            return f'group="{runtime.group_id}-sis"' in text and f'group="{runtime.group_id}"' in text

        await eventually(exported, timeout_s=20, what="hoks_consumer_lag for both consumer groups")
    finally:
        await runtime.mongo.drop_database(runtime.db.name)
        await app.stop()
