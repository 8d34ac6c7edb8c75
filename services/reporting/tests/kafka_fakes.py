"""The Kafka edge of the report: contract violations go to the dead-letter sink, the rest is applied."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from hoks_reporting.projector import Projector
from hoks_reporting.report_queries import ReportQueries
from hoks_reporting.subscribers import project_records
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.topics import TopicNaming, topic_of

from .fakes import MemoryReportStore
from .institution import AS_OF, T1, UNIT, YEAR, checklist, row

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


async def test_a_broken_record_is_dead_lettered_and_the_rest_of_the_batch_applied():
    good = checklist("G1", T1, 1, [row("1.2.246.562.24.30000000001"), row("1.2.246.562.24.30000000002")])
    broken = record_of(good)
    broken.value = b"{not json"
    no_headers = record_of(good)
    no_headers.headers = []
    runtime, store = FakeRuntime(), MemoryReportStore()
    records = [broken, record_of(good), no_headers]
    applied = await project_records(records, Projector(store), runtime, asyncio.Lock())  # type: ignore[arg-type]
    assert applied == 1
    assert [r for r, _ in runtime.dead_letters.dead] == [broken, no_headers]
    assert runtime.metrics.seen == [("checklist-completed", "applied")]
    report = await ReportQueries(store).unit_report(UNIT, YEAR, 1, AS_OF)
    assert report["total"]["students_checked"] == 2
