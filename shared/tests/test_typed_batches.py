"""Domain events in batches: each applied in order, the unreadable and the refused dead-lettered
with the batch going on, a transient failure leaving the batch to come again."""

from __future__ import annotations

import asyncio
import json
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import TypeAdapter
from pymongo.errors import AutoReconnect

from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.meetings import MeetingScheduleEvent
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.messaging.typed_batches import apply_batch
from hoks_shared.metrics import ServiceMetrics
from hoks_testing import samples

ADAPTER: TypeAdapter[Any] = TypeAdapter(MeetingScheduleEvent)


class FakeSink:
    retry_backoff_s = 0.0

    def __init__(self) -> None:
        self.dead: list[tuple[Any, str]] = []

    def is_transient(self, exc: BaseException) -> bool:
        return isinstance(exc, AutoReconnect)

    async def dead_letter(self, record: Any, exc: BaseException) -> None:
        self.dead.append((record, str(exc)))


def record(value: Any, key: bytes = b"k") -> SimpleNamespace:
    meta = envelope_for(samples.meeting_scheduled(), source="/t", event_id=str(uuid.uuid4()))
    body = value if isinstance(value, bytes) else json.dumps(value).encode()
    return SimpleNamespace(headers=[(k, v.encode()) for k, v in meta.to_headers().items()], value=body, key=key)


def meeting(n: int) -> Any:
    return samples.meeting_scheduled(meeting_id=f"mtg-{n}")


@pytest.fixture
def runtime() -> SimpleNamespace:
    return SimpleNamespace(dead_letters=FakeSink(), metrics=ServiceMetrics("t"))


async def test_events_are_applied_in_order_and_the_bad_ones_dead_lettered(runtime):
    applied: list[str] = []

    async def apply(event, meta):
        if event.meeting_id == "mtg-3":
            raise ValueError("refused by a rule")
        applied.append(event.meeting_id)
        return "applied"

    records = [record(meeting(1).model_dump(mode="json")), record(b"not json"),
               record({**meeting(2).model_dump(mode="json"), "starts_at": "never"}),
               record(meeting(3).model_dump(mode="json")), record(meeting(4).model_dump(mode="json"))]
    await apply_batch(records, reads=Reads({1}), adapter=ADAPTER, apply=apply, runtime=runtime)
    assert applied == ["mtg-1", "mtg-4"]
    assert [r for r, _ in runtime.dead_letters.dead] == records[1:4]
    assert "refused by a rule" in runtime.dead_letters.dead[2][1]
    assert runtime.metrics.registry.get_sample_value(
        "hoks_events_applied_total", {"event_type": "meeting-scheduled", "result": "applied"}) == 2


async def test_a_transient_failure_leaves_the_batch_to_come_again(runtime):
    applied: list[str] = []

    async def apply(event, meta):
        if event.meeting_id == "mtg-2":
            raise AutoReconnect("store unreachable")
        applied.append(event.meeting_id)
        return "applied"

    records = [record(meeting(n).model_dump(mode="json")) for n in (1, 2, 3)]
    with pytest.raises(AutoReconnect):
        await apply_batch(records, reads=Reads({1}), adapter=ADAPTER, apply=apply, runtime=runtime)
    assert applied == ["mtg-1"] and runtime.dead_letters.dead == []


async def test_one_key_in_order_different_keys_side_by_side(runtime):
    """Events of one key (one entity) are applied in their order; other keys meanwhile."""
    applied: list[str] = []
    in_flight, most = 0, 0

    async def apply(event, meta):
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.001 * (int(event.meeting_id.split("-")[2]) % 3))
        applied.append(event.meeting_id)
        in_flight -= 1
        return "applied"

    records = [record(meeting(f"{g}-{n}").model_dump(mode="json"), key=g.encode())
               for n in range(5) for g in ("a", "b", "c", "d")]
    await apply_batch(records, reads=Reads({1}), adapter=ADAPTER, apply=apply, runtime=runtime, concurrency=3)
    for g in "abcd":
        assert [m for m in applied if m.startswith(f"mtg-{g}-")] == [f"mtg-{g}-{n}" for n in range(5)]
    assert most == 3


async def test_a_type_the_consumer_does_not_read_is_skipped_and_counted_not_dead_lettered(runtime):
    applied: list[str] = []

    async def apply(event, meta):
        applied.append(event.meeting_id)
        return "applied"

    newcomer = record({"event_type": "meeting-moved-to-mars", "meeting_id": "x"})
    newcomer.headers = [(k, b"fi.hoks.followup.meeting-moved-to-mars" if k == "ce_type" else v)
                        for k, v in newcomer.headers]
    newcomer.topic = "hoks.meetings.schedule.v1"
    reads = Reads({1}, event_types={"meeting-scheduled", "meeting-rescheduled", "meeting-cancelled"})
    await apply_batch([record(meeting(1).model_dump(mode="json")), newcomer, record(meeting(2).model_dump(mode="json"))],
                      reads=reads, adapter=ADAPTER, apply=apply, runtime=runtime)
    assert applied == ["mtg-1", "mtg-2"]
    assert runtime.dead_letters.dead == []
    counted = runtime.metrics.events_not_read.labels(topic="hoks.meetings.schedule.v1",
                                                     event_type="meeting-moved-to-mars")._value.get()
    assert counted == 1
    # without declared types the contract decides: the same record is dead-lettered as unreadable
    await apply_batch([newcomer], reads=Reads({1}), adapter=ADAPTER, apply=apply, runtime=runtime)
    assert len(runtime.dead_letters.dead) == 1
