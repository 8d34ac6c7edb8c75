"""Dead-letter topics for Kafka (FastStream 0.7 has none built in).

A message that fails validation or handling is copied to ``<topic>.dlq`` with the reason and
its origin in headers; then the offset advances and the next message flows. Nothing is lost:
if the copy cannot be written, the error propagates and the message is redelivered.

Transient failures (the store or Kafka unreachable) are not dead-lettered: the message stays
uncommitted and is redelivered after a pause, because handling it later will succeed.

Poison never blocks a partition: the copy is cut to fit the broker's size limit
(``dead_letter_copy``); a copy the broker refuses anyway is tried ``max_tries`` times, a pause
between tries, then the record is skipped and counted in ``hoks_consume_skipped_total`` (an
error, with the coordinates in the log). Every failed delivery and every handled one is reported
to ``PartitionProgress``, which tells ``/health`` which partitions are stuck on one offset.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from faststream import BaseMiddleware
from faststream.exceptions import HandlerException

from hoks_shared.messaging.dead_letter_copy import fitting_copy
from hoks_shared.messaging.partition_progress import PartitionProgress
from hoks_shared.messaging.transient import is_transient
from hoks_shared.metrics import ServiceMetrics
from hoks_shared.topics import DLQ_SUFFIX

log = logging.getLogger(__name__)

MAX_REASON = 2000
#: Kafka's default ``message.max.bytes`` (broker) and so the default producer ``max_request_size``
DEFAULT_MAX_MESSAGE_BYTES = 1048588
#: Records whose refused copies are being counted, at most (a bound on memory, never reached in practice)
MAX_TRACKED = 1000


def reason_code(exc: BaseException) -> str:
    """A machine-readable reason for the ``dlq_reason_code`` header."""
    code = getattr(exc, "reason_code", None)
    if isinstance(code, str):
        return code
    return "invalid-contract" if isinstance(exc, ValueError) else "handler-error"


def describe_error(exc: BaseException) -> str:
    """A short, readable reason: for validation errors each field and message."""
    if getattr(exc, "reason_code", None):  # the message already starts with the code
        return str(exc)
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

    def __init__(self, metrics: ServiceMetrics, consumer_group: str, retry_backoff_s: float = 1.0, *,
                 max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES, max_tries: int = 5,
                 stuck_after_s: float = 300.0) -> None:
        self.metrics = metrics
        self.consumer_group = consumer_group
        self.retry_backoff_s = retry_backoff_s
        self.max_message_bytes = max_message_bytes
        self.max_tries = max_tries
        self.progress = PartitionProgress(metrics, stuck_after_s)
        self._publish: Callable[..., Awaitable[Any]] | None = None
        self._refused: dict[tuple[str, int, int], int] = {}

    def bind(self, publish: Callable[..., Awaitable[Any]]) -> None:
        self._publish = publish

    def is_transient(self, exc: BaseException) -> bool:
        return is_transient(exc)

    async def dead_letter(self, record: Any, exc: BaseException) -> None:
        if self._publish is None:
            raise RuntimeError("dead-letter sink is not bound to a broker")
        topic = record.topic
        original = {k: _text(v) for k, v in (record.headers or ())}
        added = (
            {
                "dlq_reason": describe_error(exc)[:MAX_REASON],
                "dlq_reason_code": reason_code(exc),
                "dlq_error_type": type(exc).__name__,
                "dlq_original_topic": topic,
                "dlq_original_partition": str(record.partition),
                "dlq_original_offset": str(record.offset),
                "dlq_consumer_group": self.consumer_group,
                "dlq_failed_at": datetime.now(UTC).isoformat(),
            }
        )
        copy = fitting_copy(record.value or b"", record.key, original, added, self.max_message_bytes)
        coordinates = (topic, record.partition, record.offset)
        try:
            await self._publish(copy.value, topic=topic + DLQ_SUFFIX, key=copy.key, headers=copy.headers)
        except Exception as refused:
            if self.is_transient(refused) or not await self._may_skip(coordinates, refused):
                raise
            return
        self._refused.pop(coordinates, None)
        self.metrics.dead_letters.labels(topic=topic, error_type=type(exc).__name__).inc()
        log.warning(
            "message dead-lettered",
            extra={"topic": topic, "partition": record.partition, "offset": record.offset,
                   "reason": added["dlq_reason"][:300], "truncated": copy.truncated},
        )

    async def _may_skip(self, coordinates: tuple[str, int, int], refused: Exception) -> bool:
        """The dead-letter copy was refused: pause, and say whether this was the last try."""
        tries = self._refused.get(coordinates, 0) + 1
        topic, partition, offset = coordinates
        error_type = type(refused).__name__
        if tries < self.max_tries:
            if len(self._refused) >= MAX_TRACKED:
                self._refused.clear()
            self._refused[coordinates] = tries
            self.metrics.retries.labels(topic=topic, error_type=error_type).inc()
            log.warning("dead-letter copy refused, the record will be redelivered",
                        extra={"topic": topic, "partition": partition, "offset": offset, "try": tries,
                               "error": describe_error(refused)[:300]})
            await asyncio.sleep(self.retry_backoff_s)
            return False
        self._refused.pop(coordinates, None)
        self.metrics.skipped.labels(topic=topic, error_type=error_type).inc()
        log.error("dead-letter copy refused on every try: record skipped",
                  extra={"topic": topic, "partition": partition, "offset": offset, "tries": tries,
                         "error": describe_error(refused)[:300]})
        return True

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
        if exc_val is not None and not isinstance(exc_val, Exception):
            return False
        if isinstance(exc_val, HandlerException):  # an explicit ack/nack/reject from a handler
            return False
        record = self.msg
        if record is None:
            return False
        if exc_val is None:
            self._report(progressed=True)
            return False
        if isinstance(record, (list, tuple)):  # batch subscribers dead-letter their own records
            self._report(progressed=False)
            if self.sink.is_transient(exc_val):
                for topic in sorted({r.topic for r in record}):
                    self.sink.metrics.retries.labels(topic=topic, error_type=type(exc_val).__name__).inc()
            return False
        if self.sink.is_transient(exc_val):
            self._report(progressed=False)
            self.sink.metrics.retries.labels(topic=record.topic, error_type=type(exc_val).__name__).inc()
            log.warning("transient failure, message will be redelivered",
                        extra={"topic": record.topic, "offset": record.offset, "error": describe_error(exc_val)})
            await asyncio.sleep(self.sink.retry_backoff_s)
            return False
        try:
            await self.sink.dead_letter(record, exc_val)
        except BaseException:
            self._report(progressed=False)
            raise
        self._report(progressed=True)
        return True  # handled: the acknowledgement middleware commits and the next message flows

    def _report(self, *, progressed: bool) -> None:
        """Tell ``PartitionProgress`` how each partition of this delivery fared (first offset per partition)."""
        records = self.msg if isinstance(self.msg, (list, tuple)) else (self.msg,)
        handler = self.context.get_local("handler_") if self.context is not None else None
        group = getattr(handler, "group_id", None) or self.sink.consumer_group
        first: dict[tuple[str, int], int] = {}
        for r in records:
            key = (r.topic, r.partition)
            first[key] = min(first.get(key, r.offset), r.offset)
        for (topic, partition), offset in first.items():
            if progressed:
                self.sink.progress.progressed(group, topic, partition)
            else:
                self.sink.progress.failed(group, topic, partition, offset)
