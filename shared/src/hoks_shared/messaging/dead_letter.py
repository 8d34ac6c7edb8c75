"""Dead-letter topics for Kafka (FastStream 0.7 has none built in).

A message that fails validation or handling is copied to ``<topic>.dlq`` with the reason and
its origin in headers; then the offset advances and the next message flows. Nothing is lost:
if the copy cannot be written, the error propagates and the message is redelivered.

Transient failures (the store or Kafka unreachable) are not dead-lettered: the message stays
uncommitted and is redelivered after a pause, because handling it later will succeed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from faststream import BaseMiddleware
from faststream.exceptions import HandlerException
from pymongo.errors import AutoReconnect, ConnectionFailure, NetworkTimeout, ServerSelectionTimeoutError

from hoks_shared.metrics import ServiceMetrics
from hoks_shared.topics import DLQ_SUFFIX

log = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionFailure,
    AutoReconnect,
    NetworkTimeout,
    ServerSelectionTimeoutError,
    KafkaConnectionError,
    KafkaTimeoutError,
    TimeoutError,
)

MAX_REASON = 2000


def describe_error(exc: BaseException) -> str:
    """A short, readable reason: for validation errors each field and message."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            parts = [
                f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors()
            ]
            return f"{type(exc).__name__}: " + "; ".join(parts)
        except Exception:  # noqa: BLE001 - fall back to the plain text
            pass
    return f"{type(exc).__name__}: {exc}"


def _text(value: Any) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


class DeadLetterSink:
    """Writes failed records to their dead-letter topic. Bound to a broker after it is built."""

    def __init__(self, metrics: ServiceMetrics, consumer_group: str, retry_backoff_s: float = 1.0) -> None:
        self.metrics = metrics
        self.consumer_group = consumer_group
        self.retry_backoff_s = retry_backoff_s
        self._publish: Callable[..., Awaitable[Any]] | None = None

    def bind(self, publish: Callable[..., Awaitable[Any]]) -> None:
        self._publish = publish

    def is_transient(self, exc: BaseException) -> bool:
        return isinstance(exc, TRANSIENT_ERRORS)

    async def dead_letter(self, record: Any, exc: BaseException) -> None:
        if self._publish is None:
            raise RuntimeError("dead-letter sink is not bound to a broker")
        topic = record.topic
        headers = {k: _text(v) for k, v in (record.headers or ())}
        headers.update(
            {
                "dlq_reason": describe_error(exc)[:MAX_REASON],
                "dlq_error_type": type(exc).__name__,
                "dlq_original_topic": topic,
                "dlq_original_partition": str(record.partition),
                "dlq_original_offset": str(record.offset),
                "dlq_consumer_group": self.consumer_group,
                "dlq_failed_at": datetime.now(UTC).isoformat(),
            }
        )
        await self._publish(record.value or b"", topic=topic + DLQ_SUFFIX, key=record.key, headers=headers)
        self.metrics.dead_letters.labels(topic=topic, error_type=type(exc).__name__).inc()
        log.warning(
            "message dead-lettered",
            extra={"topic": topic, "partition": record.partition, "offset": record.offset,
                   "reason": headers["dlq_reason"][:300]},
        )

    def middleware(self) -> Callable[..., BaseMiddleware]:
        sink = self

        def factory(msg: Any, /, *, context: Any) -> BaseMiddleware:
            return DeadLetterMiddleware(msg, context=context, sink=sink)

        return factory


class DeadLetterMiddleware(BaseMiddleware):
    def __init__(self, msg: Any, /, *, context: Any, sink: DeadLetterSink) -> None:
        super().__init__(msg, context=context)
        self.sink = sink

    async def after_processed(
        self,
        exc_type: type[BaseException] | None = None,
        exc_val: BaseException | None = None,
        exc_tb: TracebackType | None = None,
    ) -> bool | None:
        if exc_val is None or not isinstance(exc_val, Exception):
            return False
        if isinstance(exc_val, HandlerException):  # an explicit ack/nack/reject from a handler
            return False
        record = self.msg
        if record is None or isinstance(record, (list, tuple)):  # batch subscribers handle their own
            return False
        if self.sink.is_transient(exc_val):
            self.sink.metrics.retries.labels(topic=record.topic, error_type=type(exc_val).__name__).inc()
            log.warning("transient failure, message will be redelivered",
                        extra={"topic": record.topic, "offset": record.offset, "error": describe_error(exc_val)})
            await asyncio.sleep(self.sink.retry_backoff_s)
            return False
        await self.sink.dead_letter(record, exc_val)
        return True  # handled: the acknowledgement middleware commits and the next message flows
