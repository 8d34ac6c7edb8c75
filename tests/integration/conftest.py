"""Integration tests run against the real Kafka broker and the real document store.

The session starts the embedded infrastructure (or reuses it when it runs), and gives every run
its own topic prefix and every test its own databases, so runs never see each other's data.
Point ``KAFKA_BOOTSTRAP_SERVERS`` / ``MONGODB_URL`` elsewhere with ``HOKS_EXTERNAL_INFRA=1`` to
run the same tests against other clusters.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from hoks_devinfra.manager import Infra, ensure_topics
from hoks_shared.messaging.topic_admin import delete_topics_with_prefix
from hoks_shared.settings import KafkaSettings, MongoSettings, ServiceSettings
from hoks_shared.topics import TopicNaming

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Stack:
    bootstrap: str
    mongodb_url: str
    prefix: str

    @property
    def naming(self) -> TopicNaming:
        return TopicNaming(self.prefix)

    def settings(self, service: str, **over: Any) -> ServiceSettings:
        return ServiceSettings(
            service_name=service,
            outbox_poll_seconds=0.5,
            kafka=KafkaSettings(bootstrap_servers=self.bootstrap, topic_prefix=self.prefix),
            mongo=MongoSettings(url=over.pop("mongodb_url", self.mongodb_url),
                                database=f"it_{service}_{uuid.uuid4().hex[:10]}",
                                server_selection_timeout_ms=over.pop("server_selection_timeout_ms", 5000)),
            **over,
        )


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    prefix = f"it{uuid.uuid4().hex[:8]}."
    if os.environ.get("HOKS_EXTERNAL_INFRA"):
        kafka, mongo = KafkaSettings(), MongoSettings()
        asyncio.run(ensure_topics(kafka.bootstrap_servers, TopicNaming(prefix)))
        yield Stack(kafka.bootstrap_servers, mongo.url, prefix)
    else:
        infra = Infra()
        infra.up(topic_prefix=prefix, say=lambda line: print(f"[infra] {line}"))
        print(f"[infra] integration tests use the real Kafka at {infra.cfg.kafka_bootstrap} and "
              f"FerretDB at {infra.cfg.mongodb_url}, topic prefix {prefix}")
        yield Stack(infra.cfg.kafka_bootstrap, infra.cfg.mongodb_url, prefix)
    # the run's topics (and those of the demo systems under its prefix) go with it: a broker that
    # keeps every run's partitions runs out of file handles after a few hundred runs
    try:
        asyncio.run(delete_topics_with_prefix(
            KafkaSettings().bootstrap_servers if os.environ.get("HOKS_EXTERNAL_INFRA") else infra.cfg.kafka_bootstrap,
            prefix))
    except Exception as exc:  # noqa: BLE001 - cleaning up must not turn a green run red
        print(f"[infra] could not delete the run's topics ({prefix}*): {exc}")


@asynccontextmanager
async def running(build: Callable[..., Any], settings: ServiceSettings) -> AsyncIterator[Any]:
    """A service's whole app (broker, subscribers, hooks, outbox relay) started in this loop."""
    app, runtime = build(settings)
    await app.start()
    try:
        yield runtime
    finally:
        await runtime.mongo.drop_database(runtime.db.name)
        await app.stop()


@asynccontextmanager
async def producer(stack: Stack) -> AsyncIterator[AIOKafkaProducer]:
    p = AIOKafkaProducer(bootstrap_servers=stack.bootstrap, acks="all", enable_idempotence=True)
    await p.start()
    try:
        yield p
    finally:
        await p.stop()


async def send(p: AIOKafkaProducer, topic: str, value: bytes, key: str, headers: dict[str, str]) -> None:
    await p.send_and_wait(topic, value=value, key=key.encode(),
                          headers=[(k, v.encode()) for k, v in headers.items()])


async def read_topic(stack: Stack, topic: str, until: Callable[[list[Any]], bool], timeout_s: float = 30) -> list[Any]:
    """Every record on ``topic`` from the beginning, once ``until(records)`` holds (or time runs out)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=stack.bootstrap, group_id=f"reader-{uuid.uuid4().hex}",
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not until(records):
            batch = await consumer.getmany(timeout_ms=500)
            for part in batch.values():
                records.extend(part)
        return records
    finally:
        await consumer.stop()


async def eventually(check: Callable[[], Awaitable[Any]], timeout_s: float = 30, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout_s} s")
        await asyncio.sleep(0.2)
