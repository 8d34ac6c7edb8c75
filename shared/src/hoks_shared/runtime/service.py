"""One service's resources and its ``AsgiFastStream`` app.

Each service's composition root (``<service>/main.py``) builds a ``ServiceRuntime``, includes its
routers and lets ``create_app`` add ``/health`` (Kafka, the store and the consumers, from a probe
cached in the background: see ``runtime.health``), ``/metrics`` and the AsyncAPI page.

Shutdown (SIGTERM or Ctrl-C): ``/health`` turns 503 at the signal; the HTTP server gets
``HTTP_GRACE_S`` for requests in flight, the outbox relays ``RELAY_STOP_S``, the consumers the
broker's graceful timeout; whatever still runs after ``STOP_WITHIN_S`` is cut short (the process
exits: uncommitted offsets are redelivered and unpublished outbox entries sent by the next start).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from faststream.asgi import AsgiFastStream, AsgiResponse, get
from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker, KafkaRouter
from prometheus_client import make_asgi_app
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from hoks_shared.auth.audit import AUDIT_LOG, AuditTrail
from hoks_shared.auth.sessions import SIGNED_OUT, StoredSignedOut
from hoks_shared.auth.settings import AuthSettings
from hoks_shared.auth.tokens import TokenVerifier
from hoks_shared.logs import configure_logging
from hoks_shared.messaging.broker import consumer_group, create_broker, dead_letter_sink
from hoks_shared.messaging.dead_letter import DeadLetterSink
from hoks_shared.messaging.publishing import EventPublisher
from hoks_shared.metrics import ServiceMetrics
from hoks_shared.runtime.consumer_lag import ConsumerLagCollector, subscribed_groups
from hoks_shared.runtime.health import HealthProbe
from hoks_shared.runtime.periodic import PeriodicTask
from hoks_shared.settings import ServiceSettings
from hoks_shared.store.client import create_client, ping, writable
from hoks_shared.messaging.consumer_lanes import routers_run
from hoks_shared.messaging.producer_renewal import ProducerRenewal, spends_the_producer
from hoks_shared.store.outbox import OutboxRelay, ensure_outbox_index
from hoks_shared.store.outbox_writes import Outbox
from hoks_shared.topics import TopicNaming

log = logging.getLogger(__name__)

#: Every service exits within this many seconds of SIGTERM.
STOP_WITHIN_S = 5.0
#: Seconds the HTTP server waits for requests in flight at shutdown.
HTTP_GRACE_S = 1.5
#: Seconds each outbox relay may take to finish its pass at shutdown.
RELAY_STOP_S = 1.0

StartupHook = Callable[["ServiceRuntime"], Awaitable[None]]
#: Sets gauges on the service's metrics (e.g. ``metrics.referrals_open``); run every N seconds.
GaugeRefresher = Callable[[ServiceMetrics], Awaitable[None]]


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
    #: the audit records' own relay: a burst of them never delays a domain event
    audit_relay: OutboxRelay | None = None
    extra_asgi_routes: list[tuple[str, Any]] = field(default_factory=list)
    #: the cached health probe behind ``/health`` (made on first use)
    _probe: HealthProbe | None = None
    auth: AuthSettings = field(default_factory=AuthSettings)
    http: FastAPI | None = None
    _verifier: TokenVerifier | None = None
    _audit: AuditTrail | None = None
    _producer_renewal: ProducerRenewal | None = None

    @property
    def _renewal(self) -> ProducerRenewal:
        """One renewal of the broker's producer for all the service's relays."""
        if self._producer_renewal is None:
            self._producer_renewal = ProducerRenewal(self.broker)
        return self._producer_renewal

    @property
    def verifier(self) -> TokenVerifier:
        if self._verifier is None:
            signed_out = StoredSignedOut(self.mongo[self.auth.sessions_database][SIGNED_OUT])
            self._verifier = TokenVerifier(self.auth, signed_out)
        return self._verifier

    @property
    def audit(self) -> AuditTrail:
        """The audit trail (``audit_log`` + the audit topic through the outbox)."""
        if self._audit is None:
            self.audit_relay = self._new_relay([AUDIT_LOG], lane="audit")
            self._audit = AuditTrail(self.db, self.publisher, self.name, self.audit_relay)
        return self._audit

    @property
    def relays(self) -> list[OutboxRelay]:
        return [r for r in (self.relay, self.audit_relay) if r is not None]
    #: consumer lag is collected every this many seconds (0 turns it off)
    consumer_lag_seconds: float = 15.0
    periodic: list[PeriodicTask] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.settings.service_name

    @property
    def group_id(self) -> str:
        return consumer_group(self.settings)

    def add_gauge_refresher(self, name: str, refresh: GaugeRefresher, every_s: float = 30.0) -> PeriodicTask:
        """Run ``refresh(metrics)`` every ``every_s`` seconds while the app runs (failures are counted in
        ``hoks_gauge_refresh_errors_total``, successes stamped in ``hoks_gauge_refresh_last_success_timestamp_seconds``)."""
        metrics = self.metrics

        async def run() -> None:
            await refresh(metrics)
            metrics.gauge_refreshed.labels(name).set_to_current_time()

        task = PeriodicTask(f"gauges:{name}", run, every_s,
                            on_error=lambda _exc: metrics.gauge_refresh_errors.labels(name).inc())
        self.periodic.append(task)
        return task

    def outbox(self, collection_name: str) -> Outbox:
        """The seam a repository writes through: its writes stage events and wake the domain relay."""
        relay = self.use_outbox(collection_name)
        return Outbox(self.db[collection_name], self.publisher.outgoing_entry, relay)

    def use_outbox(self, *collection_names: str) -> OutboxRelay:
        """Collections whose documents stage events; calls add up (one relay per service)."""
        if self.relay is not None:
            self.relay.add_collections([self.db[n] for n in collection_names])
            return self.relay
        self.relay = self._new_relay(collection_names, lane="domain")
        return self.relay

    def _new_relay(self, collection_names: Sequence[str], *, lane: str) -> OutboxRelay:
        return OutboxRelay(
            [self.db[n] for n in collection_names],
            self.publisher.send_entry,
            self.metrics,
            self.settings.outbox_poll_seconds,
            self.settings.outbox_sweep_seconds,
            lane=lane,
            renew_producer=self._renewal,
            spent=spends_the_producer,
        )

    @property
    def probe(self) -> HealthProbe:
        if self._probe is None:
            self._probe = HealthProbe(self.health)
        return self._probe

    async def health(self) -> dict[str, str]:
        """Kafka and the store, each given at most 2 s by its own client's timeout (never by
        cancelling the call: see ``store.client.ping``)."""
        kafka_ok, store_ok = await asyncio.gather(self.broker.ping(timeout=2.0), ping(self.db, 2.0))
        store = "ok" if store_ok else "down"
        if store_ok and not await writable(self.db, self.name, 2.0):
            store = "not writable"  # answers, but refuses writes (a full disk)
        return {"kafka": "ok" if kafka_ok else "down", "store": store}


async def _within(check: Awaitable[bool], timeout_s: float) -> bool:
    try:
        return await asyncio.wait_for(check, timeout_s)
    except Exception:  # noqa: BLE001 - TimeoutError or the check's own failure: not ok
        return False


def build_runtime(settings: ServiceSettings) -> ServiceRuntime:
    metrics = ServiceMetrics(settings.service_name)
    dead_letters = dead_letter_sink(settings, metrics)
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
    http_routers: Sequence[APIRouter] = (),
    http_title: str | None = None,
    http_description: str = "",
) -> AsgiFastStream:
    """The service's ASGI app; ``indexed`` repositories create their indexes before consuming.

    ``http_routers`` (FastAPI) form the service's HTTP API and pages, behind authentication,
    served next to ``/health``, ``/metrics`` and ``/docs/asyncapi``.
    """
    for router in routers_run(runtime.settings.consumers, routers):
        runtime.broker.include_router(router)
    if runtime.http is None:
        from hoks_shared.web.app import create_http_app, sis_demo_users
        from hoks_shared.web.page_context import PageContext

        runtime.http = create_http_app(
            http_title or f"HOKS follow-up: {runtime.name}", http_routers, verifier=runtime.verifier,
            audit=runtime.audit, demo_users=sis_demo_users(runtime.db), description=http_description,
            page_context=PageContext(runtime.db, runtime.metrics))

    @get(include_in_schema=False)
    async def health(scope: Any) -> AsgiResponse:
        stuck = runtime.dead_letters.progress.stuck() if runtime.dead_letters is not None else []
        status, body = await runtime.probe.answer_now(runtime.name, stuck)
        return AsgiResponse(json.dumps(body).encode(), status, headers={"content-type": "application/json"})

    async def startup() -> None:
        for relay in runtime.relays:
            for collection in relay.collections:
                await ensure_outbox_index(collection)
        for repository in indexed:
            await repository.ensure_indexes()
        signed_out = runtime.verifier.signed_out
        if isinstance(signed_out, StoredSignedOut):
            await signed_out.ensure_indexes()
        for hook in on_startup:
            await hook(runtime)

    lag_task: list[tuple[ConsumerLagCollector, PeriodicTask]] = []

    async def after_startup() -> None:
        runtime.probe.start()
        for relay in runtime.relays:
            relay.start()
        groups = subscribed_groups(runtime.broker)
        if runtime.consumer_lag_seconds > 0 and groups:
            collector = ConsumerLagCollector(runtime.settings.kafka, groups, runtime.metrics,
                                             client_id=f"hoks-{runtime.name}-lag")
            lag_task.append((collector, PeriodicTask("consumer-lag", _discard(collector.collect),
                                                     runtime.consumer_lag_seconds)))
        for task in [*runtime.periodic, *(t for _, t in lag_task)]:
            task.start()
        log.info("service started", extra={"service": runtime.name})

    async def shutdown() -> None:
        await runtime.probe.stop()  # /health is 503 from here on (from the signal, under serve())
        for task in [*runtime.periodic, *(t for _, t in lag_task)]:
            await task.stop()
        for collector, _ in lag_task:
            await _within(_closed(collector), 1.0)
        lag_task.clear()
        for relay in runtime.relays:
            try:
                await asyncio.wait_for(relay.stop(), RELAY_STOP_S)
            except TimeoutError:  # what it had not removed is sent again by the next start
                log.warning("outbox relay cut short at shutdown", extra={"lane": relay.lane})

    async def after_shutdown() -> None:
        await runtime.mongo.close()

    return _ServiceApp(
        runtime.http,
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


async def _closed(collector: ConsumerLagCollector) -> bool:
    await collector.close()
    return True


def _discard(run: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[None]]:
    async def call() -> None:
        await run()

    return call


class _ServiceApp(AsgiFastStream):
    """``AsgiFastStream`` whose unmatched HTTP paths go to the service's FastAPI app."""

    def __init__(self, http: FastAPI, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.http = http

    async def not_found(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
            return
        await super().not_found(scope, receive, send)


def serve(build: Callable[[], tuple[AsgiFastStream, ServiceRuntime]]) -> None:
    """Build the app from the environment and run it with uvicorn (JSON logs to stderr)."""
    import uvicorn

    app, runtime = build()
    settings = runtime.settings
    configure_logging(settings.service_name, settings.log_level)
    config = uvicorn.Config(app, host=settings.http_host, port=settings.http_port, log_config=None,
                            access_log=False, timeout_graceful_shutdown=HTTP_GRACE_S)
    _stopping_server(config, runtime).run()


def _stopping_server(config: Any, runtime: ServiceRuntime,
                     cut_short: Callable[[str], None] | None = None) -> Any:
    """uvicorn's server, told about the signal: ``/health`` turns 503 at once, and the process
    exits ``STOP_WITHIN_S`` after the first signal however far the orderly shutdown got."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            if not runtime.probe.stopping:
                runtime.probe.stopping = True
                log.info("shutdown started", extra={"signal": sig, "service": runtime.name})
                watchdog = threading.Timer(STOP_WITHIN_S, cut_short or _cut_short, args=(runtime.name,))
                watchdog.daemon = True
                watchdog.start()
            super().handle_exit(sig, frame)

    return Server(config)


def _cut_short(service: str) -> None:
    log.error("shutdown took longer than %s s: exiting now", STOP_WITHIN_S, extra={"service": service})
    logging.shutdown()
    os._exit(1)
