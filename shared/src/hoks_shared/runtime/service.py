"""One service's resources and its ``AsgiFastStream`` app.

Each service's composition root (``<service>/main.py``) builds a ``ServiceRuntime``, includes its
routers and lets ``create_app`` add ``/health`` (really checks Kafka and the store), ``/metrics``
and the AsyncAPI page.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from faststream.asgi import AsgiFastStream, AsgiResponse, get
from faststream.kafka import KafkaBroker, KafkaRouter
from prometheus_client import make_asgi_app
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from hoks_shared.logs import configure_logging
from hoks_shared.messaging.broker import consumer_group, create_broker
from hoks_shared.messaging.dead_letter import DeadLetterSink
from hoks_shared.messaging.publishing import EventPublisher
from hoks_shared.metrics import ServiceMetrics
from hoks_shared.settings import ServiceSettings
from hoks_shared.store.client import create_client, ping
from hoks_shared.store.outbox import OutboxRelay, ensure_outbox_index
from hoks_shared.topics import TopicNaming

log = logging.getLogger(__name__)

StartupHook = Callable[["ServiceRuntime"], Awaitable[None]]


class HasIndexes(Protocol):
    async def ensure_indexes(self) -> None: ...


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    metrics: ServiceMetrics
    broker: KafkaBroker
    mongo: AsyncMongoClient[dict[str, Any]]
    db: AsyncDatabase[dict[str, Any]]
    naming: TopicNaming
    publisher: EventPublisher
    dead_letters: DeadLetterSink | None = None
    relay: OutboxRelay | None = None
    extra_asgi_routes: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.settings.service_name

    @property
    def group_id(self) -> str:
        return consumer_group(self.settings)

    def use_outbox(self, *collection_names: str) -> OutboxRelay:
        self.relay = OutboxRelay(
            [self.db[n] for n in collection_names],
            self.publisher.publish_entry,
            self.metrics,
            self.settings.outbox_poll_seconds,
            self.settings.outbox_sweep_seconds,
        )
        return self.relay

    async def health(self) -> dict[str, str]:
        kafka_ok, store_ok = await asyncio.gather(self.broker.ping(timeout=3.0), ping(self.db))
        return {"kafka": "ok" if kafka_ok else "down", "store": "ok" if store_ok else "down"}


def build_runtime(settings: ServiceSettings) -> ServiceRuntime:
    metrics = ServiceMetrics(settings.service_name)
    dead_letters = DeadLetterSink(metrics, consumer_group=consumer_group(settings))
    broker = create_broker(settings, metrics, dead_letters)
    mongo = create_client(settings.mongo, app_name=f"hoks-{settings.service_name}")
    naming = TopicNaming(settings.kafka.topic_prefix)
    return ServiceRuntime(
        settings=settings,
        metrics=metrics,
        broker=broker,
        mongo=mongo,
        db=mongo[settings.database_name()],
        naming=naming,
        publisher=EventPublisher(broker, naming, source=f"/hoks/{settings.service_name}"),
        dead_letters=dead_letters,
    )


def create_app(
    runtime: ServiceRuntime,
    routers: Sequence[KafkaRouter],
    *,
    indexed: Sequence[HasIndexes] = (),
    on_startup: Sequence[StartupHook] = (),
) -> AsgiFastStream:
    """The service's ASGI app; ``indexed`` repositories create their indexes before consuming."""
    for router in routers:
        runtime.broker.include_router(router)

    @get(include_in_schema=False)
    async def health(scope: Any) -> AsgiResponse:
        checks = await runtime.health()
        ok = all(v == "ok" for v in checks.values())
        body = {"status": "ok" if ok else "unavailable", "service": runtime.name, "checks": checks}
        return AsgiResponse(json.dumps(body).encode(), 200 if ok else 503,
                            headers={"content-type": "application/json"})

    async def startup() -> None:
        if runtime.relay is not None:
            for collection in runtime.relay.collections:
                await ensure_outbox_index(collection)
        for repository in indexed:
            await repository.ensure_indexes()
        for hook in on_startup:
            await hook(runtime)

    async def after_startup() -> None:
        if runtime.relay is not None:
            runtime.relay.start()
        log.info("service started", extra={"service": runtime.name})

    async def shutdown() -> None:
        if runtime.relay is not None:
            await runtime.relay.stop()

    async def after_shutdown() -> None:
        await runtime.mongo.close()

    return AsgiFastStream(
        runtime.broker,
        asgi_routes=[
            ("/health", health),
            ("/metrics", make_asgi_app(runtime.metrics.registry)),
            *runtime.extra_asgi_routes,
        ],
        on_startup=[startup],
        after_startup=[after_startup],
        on_shutdown=[shutdown],
        after_shutdown=[after_shutdown],
        asyncapi_path="/docs/asyncapi",
        logger=logging.getLogger(f"hoks.{runtime.name}"),
    )


def serve(build: Callable[[], tuple[AsgiFastStream, ServiceRuntime]]) -> None:
    """Build the app from the environment and run it with uvicorn (JSON logs to stderr)."""
    import uvicorn

    app, runtime = build()
    settings = runtime.settings
    configure_logging(settings.service_name, settings.log_level)
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None,
                access_log=False)
