"""Sending feed records to Kafka fast: one idempotent producer (acks=all), many sends in flight."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaProducer

from hoks_shared.messaging.security import aiokafka_options
from hoks_shared.settings import KafkaSettings
from hoks_sisfeed.records import FeedRecord


async def publish_records(records: Iterable[FeedRecord], kafka: KafkaSettings, *, progress: Any = None,
                          in_flight: int = 5000) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all", enable_idempotence=True,
                                linger_ms=10, max_batch_size=512 * 1024, **aiokafka_options(kafka))
    await producer.start()
    sent = 0
    pending: list[asyncio.Future[Any]] = []
    try:
        for record in records:
            pending.append(await producer.send(
                record.topic, value=json.dumps(record.value, ensure_ascii=False).encode(), key=record.key.encode(),
                headers=[(k, v.encode()) for k, v in record.headers.items()],
            ))
            if len(pending) >= in_flight:
                await asyncio.gather(*pending)
                sent += len(pending)
                if progress:
                    progress(len(pending))
                pending.clear()
        await asyncio.gather(*pending)
        sent += len(pending)
        if progress:
            progress(len(pending))
    finally:
        await producer.stop()
    return sent
