"""The one way services build their Kafka broker.

* ``acks="all"`` and the idempotent producer (aiokafka defaults to acks=1).
* FastStream's Prometheus middleware, on the service's registry.
* Dead letters for anything that fails validation or handling (see ``dead_letter``).
* Subscribers commit after processing (``NACK_ON_ERROR``: a failure that is not dead-lettered
  leaves the offset where it was and the message is redelivered).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.kafka.prometheus import KafkaPrometheusMiddleware

from hoks_shared.messaging.dead_letter import DeadLetterSink
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.messaging.security import kafka_security
from hoks_shared.metrics import ServiceMetrics
from hoks_shared.settings import ServiceSettings
from hoks_shared.topics import Topic, TopicNaming


def create_broker(
    settings: ServiceSettings, metrics: ServiceMetrics, sink: DeadLetterSink | None = None, **extra: Any
) -> KafkaBroker:
    sink = sink or dead_letter_sink(settings, metrics)
    broker = KafkaBroker(
        settings.kafka.bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        # as large as the broker takes, no larger: what the producer accepts, the broker stores
        max_request_size=settings.kafka.max_message_bytes,
        client_id=f"hoks-{settings.service_name}",
        security=kafka_security(settings.kafka),
        middlewares=[
            KafkaPrometheusMiddleware(registry=metrics.registry, app_name=settings.service_name),
            sink.middleware(),
        ],
        logger=logging.getLogger(f"hoks.{settings.service_name}.broker"),
        # at shutdown, handlers in flight get this long (see runtime.service.STOP_WITHIN_S)
        graceful_timeout=2.5,
        **extra,
    )
    sink.bind(broker.publish)
    return broker


def dead_letter_sink(settings: ServiceSettings, metrics: ServiceMetrics) -> DeadLetterSink:
    return DeadLetterSink(metrics, consumer_group=consumer_group(settings),
                          max_message_bytes=settings.kafka.max_message_bytes,
                          max_tries=settings.dead_letter_max_tries,
                          stuck_after_s=settings.consumer_stuck_after_seconds)


def consumer_group(settings: ServiceSettings) -> str:
    return f"{settings.kafka.topic_prefix}hoks-{settings.service_name}"


def subscriber(
    router: KafkaRouter | KafkaBroker,
    naming: TopicNaming,
    topic: Topic,
    group_id: str,
    *,
    reads: Reads,
    **options: Any,
) -> Callable[[Callable[..., Any]], Any]:
    """Subscribe with the project's conventions: own consumer group, from the beginning, commit
    after processing; ``reads`` declares the major schema versions the handler is written for
    (another major is dead-lettered as ``unsupported-schema-version`` before decoding)."""
    return router.subscriber(
        naming.name(topic),
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=reads.decoder,
        **options,
    )


async def undecoded(msg: Any) -> None:
    """A batch decoder that decodes nothing: batch handlers validate each raw record themselves,
    so one record that is not even JSON is dead-lettered instead of failing the whole batch (and
    being redelivered for ever)."""
    return None


def batch_subscriber(
    router: KafkaRouter | KafkaBroker,
    naming: TopicNaming,
    topics: list[Topic],
    group_id: str,
    max_records: int = 10000,
    **options: Any,
) -> Callable[[Callable[..., Any]], Any]:
    """Several topics, consumed in batches (for high-volume feeds); same conventions as ``subscriber``.

    The handler gets the raw records (``msg.raw_message``) and reads each on its own through
    ``Reads.read_record`` (which is where a batch consumer declares its schema versions).
    """
    options.setdefault("decoder", undecoded)
    options.setdefault("max_partition_fetch_bytes", 8 * 1024 * 1024)
    return router.subscriber(
        *[naming.name(t) for t in topics],
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=100,
        # partition N of every topic to the same member: an entity keyed alike on several
        # topics has a single writer (see sisviews.projection.SisViews)
        partition_assignment_strategy=(RangePartitionAssignor,),
        **options,
    )
