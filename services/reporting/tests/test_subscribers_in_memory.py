"""The reporting service's routers on FastStream's in-memory broker (``TestKafkaBroker``): contracts
in on the source topics → the report documents out (an in-memory store), through both stages and
the service's own topics (checklist rows re-keyed by student, member changes by unit); a type the
report does not read is skipped and counted, a broken record of a type it reads dead-lettered.
The real-broker tests are tests/integration/test_reporting_*.py."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import pytest
from faststream.kafka import KafkaMessage, TestKafkaBroker

from hoks_reporting.adapters.entity_locks import EntityLocks
from hoks_reporting.adapters.internal_topics import CHECKLIST_ROWS, MEMBER_CHANGES, MemberChangeTopic
from hoks_reporting.adapters.settings import ReportSettings
from hoks_reporting.handlers import report_reads as reads
from hoks_reporting.handlers.ports import AGGREGATES, ENTITIES, StageDeps
from hoks_reporting.subscribers import ReportStages, build_router
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.meetings import ChecklistCompleted
from hoks_shared.runtime.service import ServiceRuntime, build_runtime
from hoks_shared.settings import KafkaSettings, ServiceSettings
from hoks_shared.topics import MEETING_OUTCOMES, topic_of

from .fakes import MemoryReportStore, fold_into, reading
from .institution import AS_OF, T1, T2, UNIT, YEAR, checklist, row
from .institution import events as small_institution
from .test_report_figures import EXPECTED_T1, EXPECTED_T2, pick

PREFIX = "mem."


class Wiring:
    """The service's report router over an in-memory store, and what left on the internal topics."""

    def __init__(self) -> None:
        self.runtime: ServiceRuntime = build_runtime(
            ServiceSettings(service_name="reporting", kafka=KafkaSettings(topic_prefix=PREFIX)))
        self.store = MemoryReportStore()
        self.runtime.dead_letters.retry_backoff_s = 0  # type: ignore[union-attr]
        deps = StageDeps(self.store, MemberChangeTopic(self.send, self.runtime.naming), EntityLocks())
        self.stages = ReportStages(deps, self.runtime, self.send)
        self.runtime.broker.include_router(build_router(self.runtime, self.stages, ReportSettings()))
        self.dead: list[KafkaMessage] = []
        self.internal: dict[str, int] = {}

    async def send(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> Awaitable[Any]:
        """The test broker delivers on publish and confirms nothing: an acknowledgement already done."""
        self.internal[topic] = self.internal.get(topic, 0) + 1
        await self.runtime.broker.publish(value, topic=topic, key=key.encode(), headers=headers)
        return asyncio.sleep(0)

    def on_dead_letters(self, *topics: str) -> None:
        @self.runtime.broker.subscriber(*topics, group_id="test-dlq")
        async def dead(msg: KafkaMessage) -> None:
            self.dead.append(msg)

    def not_read(self, topic: str, event_type: str) -> float:
        value = self.runtime.metrics.registry.get_sample_value(
            "hoks_events_not_read_total", {"topic": topic, "event_type": event_type})
        return value or 0.0


async def publish(broker: Any, event: Any) -> None:
    meta = envelope_for(event, source="/test/reporting")
    await broker.publish(event.model_dump(mode="json"), topic=PREFIX + topic_of(event).name,
                         key=event.partition_key().encode(), headers=meta.to_headers())


async def test_the_institutions_contracts_in_give_the_hand_computed_report_out():
    wiring = Wiring()
    async with TestKafkaBroker(wiring.runtime.broker) as broker:
        for event in small_institution():
            await publish(broker, event)
    report = await reads.unit_report(reads.UnitPeriod(UNIT, YEAR, 1, AS_OF), reading(wiring.store))
    rows = {r["teacher_oid"]: r for r in report["teachers"]}
    assert pick(rows[T1], EXPECTED_T1) == EXPECTED_T1
    assert pick(rows[T2], EXPECTED_T2) == EXPECTED_T2
    # the same documents as one process folding the history
    one = MemoryReportStore()
    await fold_into(one, small_institution())
    for name in (ENTITIES, AGGREGATES):
        assert wiring.store.collections[name] == one.collections[name], name
    # the checklists went through the service's own topics: rows by student, members by unit
    checklists = [e for e in small_institution() if isinstance(e, ChecklistCompleted)]
    assert wiring.internal[PREFIX + CHECKLIST_ROWS] == sum(len(e.rows) for e in checklists)
    assert wiring.internal[PREFIX + MEMBER_CHANGES] > 0


async def test_a_type_the_report_does_not_read_is_skipped_and_a_broken_one_dead_lettered():
    wiring = Wiring()
    outcomes = PREFIX + MEETING_OUTCOMES.name
    wiring.on_dead_letters(outcomes + ".dlq")
    good = checklist("G1", T1, 1, [row("1.2.246.562.24.30000000001")])
    headers = envelope_for(good, source="/test").to_headers()
    async with TestKafkaBroker(wiring.runtime.broker) as broker:
        # a new event type on the topic, with a body no report contract fits
        await broker.publish({"event_type": "minutes-approved", "meeting_id": "m-1"}, topic=outcomes, key=b"G1",
                             headers={**headers, "ce_type": "fi.hoks.followup.minutes-approved"})
        # a checklist that breaks its contract
        await broker.publish({"event_type": "checklist-completed", "meeting_id": "m-2"}, topic=outcomes, key=b"G1",
                             headers=headers)
        await publish(broker, good)
    assert wiring.not_read(outcomes, "minutes-approved") == 1
    assert [m.headers["ce_type"] for m in wiring.dead] == ["fi.hoks.followup.checklist-completed"]
    report = await reads.unit_report(reads.UnitPeriod(UNIT, YEAR, 1, AS_OF), reading(wiring.store))
    assert report["total"]["students_checked"] == 1


@pytest.mark.parametrize("replica", [0, 1])
async def test_a_replica_consumes_only_the_partitions_it_owns(replica):
    wiring = Wiring()
    router = build_router(wiring.runtime, wiring.stages, ReportSettings(replica=replica, replicas=2))
    owned = {tp.partition for sub in router.subscribers for tp in getattr(sub, "partitions", ())}
    assert owned == {p for p in range(6) if p % 2 == replica}
