"""Fakes of the Kafka edge of the report (records, dead-letter sink, metrics); the tests that use
them are in test_report_pipeline.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.topics import TopicNaming, topic_of


PREFIX = "t."


@dataclass
class Record:
    topic: str
    value: bytes
    headers: list[tuple[str, bytes]]
    key: bytes = b"k"


@dataclass
class FakeDeadLetters:
    dead: list[tuple[Record, BaseException]] = field(default_factory=list)
    retry_backoff_s: float = 0.0

    async def dead_letter(self, record: Record, exc: BaseException) -> None:
        self.dead.append((record, exc))

    def is_transient(self, exc: BaseException) -> bool:
        return isinstance(exc, ConnectionError)


@dataclass
class FakeMetrics:
    seen: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[Any] = field(default_factory=list)

    def not_read(self, record: Any) -> None:
        self.skipped.append(record)

    def observe_applied(self, event_type: str, result: str, event_time: Any) -> None:
        self.seen.append((event_type, str(result)))


@dataclass
class FakeRuntime:
    naming: TopicNaming = field(default_factory=lambda: TopicNaming(PREFIX))
    dead_letters: FakeDeadLetters = field(default_factory=FakeDeadLetters)
    metrics: FakeMetrics = field(default_factory=FakeMetrics)


def record_of(event: Any) -> Record:
    meta = envelope_for(event, source="/test")
    return Record(PREFIX + topic_of(event).name, event.model_dump_json().encode(),
                  [(k, v.encode()) for k, v in meta.to_headers().items()])
