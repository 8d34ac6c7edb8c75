"""The broker's producer renewed on the real Kafka (messaging.producer_renewal): the relay's way out
of OutOfOrderSequenceNumber. A refused batch really spends the producer here, and the renewed one
publishes again with a new producer id."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from hoks_shared.messaging.broker import create_broker
from hoks_shared.messaging.producer_renewal import ProducerRenewal, spends_the_producer
from hoks_shared.metrics import ServiceMetrics
from tests.integration.conftest import read_topic

pytestmark = pytest.mark.integration


async def test_a_refused_batch_spends_the_producer_and_a_renewed_one_publishes(stack):
    topic = f"{stack.prefix}renewal.{uuid.uuid4().hex[:6]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 1, 1, topic_configs={"max.message.bytes": "200"})])
        broker = create_broker(stack.settings("renewal"), ServiceMetrics("renewal"))
        await broker.start()
        try:
            producer_id = broker.config.producer._producer.producer._txn_manager.producer_id  # noqa: SLF001
            with pytest.raises(Exception) as refused:
                await broker.publish({"blob": "x" * 1000}, topic=topic, key=b"k")
            assert spends_the_producer(refused.value), repr(refused.value)
            await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic,
                                                      {"max.message.bytes": "1048588"})])
            await asyncio.sleep(1.0)
            renewal = ProducerRenewal(broker)
            await renewal()
            renewed_id = broker.config.producer._producer.producer._txn_manager.producer_id  # noqa: SLF001
            assert renewed_id != producer_id
            await broker.publish({"after": "renewal"}, topic=topic, key=b"k")
            records = await read_topic(stack, topic, lambda rs: len(rs) >= 1, timeout_s=20)
            assert [r.value for r in records] == [b'{"after":"renewal"}']
        finally:
            await broker.stop()
    finally:
        await admin.delete_topics([topic])
        await admin.close()
