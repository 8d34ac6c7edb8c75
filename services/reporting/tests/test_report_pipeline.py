"""The report in two stages over N replicas, each owning the partitions p with p mod N = its
number, on a simulated broker (records placed by the producer's own partitioner): whatever the
replicas' interleaving and batch sizes, the documents equal one process applying the history."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from typing import Any

import pytest
from aiokafka.partitioner import DefaultPartitioner

from hoks_reporting.adapters.entity_locks import EntityLocks
from hoks_reporting.adapters.internal_topics import MemberChangeTopic, change_records, read_change
from hoks_reporting.domain.shares import owned_partitions
from hoks_reporting.handlers import report_reads as reads
from hoks_reporting.handlers.ports import AGGREGATES, ENTITIES, ReportStore, StageDeps
from hoks_reporting.subscribers import ReportStages

from .fakes import MemoryReportStore, fold_into, reading
from .institution import AS_OF, T1, UNIT, YEAR, checklist, row
from .institution import events as small_institution
from .kafka_fakes import FakeRuntime, Record, record_of

PARTITIONS = 6
PARTITIONER = DefaultPartitioner()


class Cluster:
    """Topics as lists per partition, each with the offset the owner has consumed up to."""

    def __init__(self) -> None:
        self.logs: dict[tuple[str, int], list[Record]] = defaultdict(list)
        self.consumed: dict[tuple[str, int], int] = defaultdict(int)

    def place(self, record: Record) -> None:
        partition = PARTITIONER(record.key, list(range(PARTITIONS)), list(range(PARTITIONS)))
        self.logs[(record.topic, partition)].append(record)

    async def send(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> Any:
        self.place(Record(topic, value, [(k, v.encode()) for k, v in headers.items()], key.encode()))

        async def ack() -> None:
            return None
        return ack()

    def pending(self) -> list[tuple[str, int]]:
        return [tp for tp, log in self.logs.items() if self.consumed[tp] < len(log)]


class WritesOf:
    """One replica's view of the shared store, noting every document it writes."""

    def __init__(self, store: MemoryReportStore, replica: int, writers: dict[str, set[int]]) -> None:
        self.store, self.replica, self.writers = store, replica, writers

    async def load(self, collection: str, ids: Any) -> dict[str, Any]:
        return await self.store.load(collection, ids)

    async def save(self, collection: str, docs: Any) -> None:
        for doc in docs:
            self.writers[doc["_id"]].add(self.replica)
        await self.store.save(collection, docs)

    async def delete(self, collection: str, ids: Any) -> None:
        for doc_id in ids:
            self.writers[doc_id].add(self.replica)
        await self.store.delete(collection, ids)


def stages_of(cluster: Cluster, store: ReportStore) -> ReportStages:
    """One replica's stages over ``store``, publishing to the simulated broker."""
    runtime = FakeRuntime()
    deps = StageDeps(store, MemberChangeTopic(cluster.send, runtime.naming), EntityLocks())
    return ReportStages(deps, runtime, cluster.send)  # type: ignore[arg-type]


def replicas_of(cluster: Cluster, store: MemoryReportStore, n: int,
                writers: dict[str, set[int]] | None = None) -> list[tuple[ReportStages, set[int]]]:
    out = []
    writers = defaultdict(set) if writers is None else writers
    for replica in range(n):
        out.append((stages_of(cluster, WritesOf(store, replica, writers)),  # type: ignore[arg-type]
                    set(owned_partitions(replica, n, PARTITIONS))))
    return out


async def run(cluster: Cluster, replicas: list[tuple[ReportStages, set[int]]], rng: random.Random) -> None:
    """Deliver batches until every partition is consumed: a random owned partition at a time."""
    while pending := cluster.pending():
        topic, partition = rng.choice(pending)
        pipeline, _ = next(r for r in replicas if partition in r[1])
        start = cluster.consumed[(topic, partition)]
        batch = cluster.logs[(topic, partition)][start:start + rng.randint(1, 7)]
        if topic == pipeline.changes_topic:
            await pipeline.aggregates(batch)
        else:
            await pipeline.entities(batch)
        cluster.consumed[(topic, partition)] = start + len(batch)


async def documents_after(history: list[Any], n: int, seed: int,
                          writers: dict[str, set[int]]) -> MemoryReportStore:
    cluster, store = Cluster(), MemoryReportStore()
    for event in history:
        record = record_of(event)
        record.key = event.partition_key().encode()
        cluster.place(record)
    await run(cluster, replicas_of(cluster, store, n, writers), random.Random(seed))
    return store


def two_units() -> list[Any]:
    """The small institution and a copy of it as a second unit (other people, groups and meetings)."""
    copy = []
    for event in small_institution():
        raw = (event.model_dump_json().replace(UNIT, "unit-arts").replace(".24.3", ".24.4").replace(".24.2", ".24.5")
               .replace("G1", "A1").replace("G2", "A2").replace("\"m-", "\"mb-"))
        copy.append(type(event).model_validate_json(raw))
    return small_institution() + copy


@pytest.mark.parametrize(("replicas", "seed"), [(1, 1), (2, 2), (3, 3), (6, 4), (2, 5)])
async def test_any_number_of_replicas_gives_the_documents_of_one_process(replicas, seed):
    history = two_units()
    random.Random(seed).shuffle(history)
    one = MemoryReportStore()
    await fold_into(one, history)
    writers: dict[str, set[int]] = defaultdict(set)
    staged = await documents_after(history, replicas, seed, writers)
    for name in (ENTITIES, AGGREGATES):
        assert staged.collections[name] == one.collections[name], name
    shared = {doc_id: sorted(w) for doc_id, w in writers.items() if len(w) > 1}
    assert not shared, f"documents written by more than one replica: {shared}"
    assert len({r for w in writers.values() for r in w}) >= min(replicas, 2)  # the work is spread


async def test_a_checklist_is_split_per_student_and_each_row_reaches_the_students_owner():
    rows = [row(f"1.2.246.562.24.3000000010{i}") for i in range(6)]
    cluster, store = Cluster(), MemoryReportStore()
    event = checklist("G1", T1, 1, rows)
    record = record_of(event)
    record.key = event.partition_key().encode()
    cluster.place(record)
    replicas = replicas_of(cluster, store, 3)
    await run(cluster, replicas, random.Random(7))
    row_partitions = {p for (topic, p) in cluster.logs if topic.endswith("checklist-rows.v1")}
    assert len(row_partitions) > 1  # the rows went to several students' partitions
    report = await reads.unit_report(reads.UnitPeriod(UNIT, YEAR, 1, AS_OF), reading(store))
    assert report["total"]["students_checked"] == 6
    observed = [seen for pipeline, _ in replicas for seen in pipeline.runtime.metrics.seen]
    assert observed == [("checklist-completed", "applied")]  # one checklist, observed once


async def test_a_broken_record_is_dead_lettered_and_the_rest_of_the_batch_applied():
    good = checklist("G1", T1, 1, [row("1.2.246.562.24.30000000001"), row("1.2.246.562.24.30000000002")])
    broken = record_of(good)
    broken.value = b"{not json"
    no_headers = record_of(good)
    no_headers.headers = []
    cluster, store = Cluster(), MemoryReportStore()
    [(pipeline, _)] = replicas_of(cluster, store, 1)
    for record in (broken, record_of(good), no_headers):
        record.key = good.partition_key().encode()
        cluster.place(record)
    await run(cluster, [(pipeline, set(range(PARTITIONS)))], random.Random(1))
    assert [r for r, _ in pipeline.runtime.dead_letters.dead] == [broken, no_headers]
    report = await reads.unit_report(reads.UnitPeriod(UNIT, YEAR, 1, AS_OF), reading(store))
    assert report["total"]["students_checked"] == 2


async def test_a_member_change_that_is_not_one_is_dead_lettered():
    cluster, store = Cluster(), MemoryReportStore()
    [(pipeline, _)] = replicas_of(cluster, store, 1)
    [(key, value)] = list(change_records({f"T|{UNIT}|now|{T1}": {"s:x": None}}))
    good = Record(pipeline.changes_topic, value, [], key.encode())
    bad = [Record(pipeline.changes_topic, v, [], key.encode())
           for v in (b"[]", b'{"agg": 1, "m": "x", "c": null}', b'{"agg": "a", "m": "x", "c": {"n": "1"}}')]
    assert read_change(good)[2] is None
    assert await pipeline.aggregates([*bad, good]) == 1
    assert [r for r, _ in pipeline.runtime.dead_letters.dead] == bad


class EntitiesFailOnce(MemoryReportStore):
    """A store whose first entity write fails (the process dies after publishing the members)."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    async def save(self, collection: str, docs: Any) -> None:
        if collection == ENTITIES and not self.failed:
            self.failed = True
            raise ConnectionError("store gone")
        await super().save(collection, docs)


async def test_a_crash_between_the_member_changes_and_the_entities_is_repaired_by_the_redelivery():
    history = two_units()
    one = MemoryReportStore()
    await fold_into(one, history)
    cluster, store = Cluster(), EntitiesFailOnce()
    [(pipeline, _)] = replicas_of(cluster, store, 1)
    records = []
    for event in history:
        record = record_of(event)
        record.key = event.partition_key().encode()
        records.append(record)
    sis = [r for r in records if ".sis." in r.topic]
    with pytest.raises(ConnectionError):
        await pipeline.entities(sis)  # members published, entities not saved, nothing committed
    assert store.failed and not store.collections.get(ENTITIES)
    await pipeline.entities(sis)  # the batch again
    for record in records:
        if record not in sis:
            cluster.place(record)
    await run(cluster, [(pipeline, set(range(PARTITIONS)))], random.Random(3))
    for name in (ENTITIES, AGGREGATES):
        assert store.collections[name] == one.collections[name], name


class Interleaving(WritesOf):
    """Yields to the other tasks around every read and write, as a database round trip does."""

    async def load(self, collection: str, ids: Any) -> dict[str, Any]:
        await asyncio.sleep(0)
        found = await super().load(collection, ids)
        await asyncio.sleep(0)
        return found

    async def save(self, collection: str, docs: Any) -> None:
        await asyncio.sleep(0)
        await super().save(collection, docs)


async def run_lanes_at_once(cluster: Cluster, pipelines: list[tuple[ReportStages, set[int]]], rng: random.Random) -> None:
    """Every replica's three consumers (domain lane, SIS lane, aggregates) as concurrent tasks."""
    busy = [0]

    async def consume(pipeline: ReportStages, owned: set[int], lane: str) -> None:
        def mine(topic: str) -> bool:
            if topic == pipeline.changes_topic:
                return lane == "aggregates"
            return (".sis." in topic) == (lane == "sis") and lane != "aggregates"

        while True:
            ready = [(t, p) for t, p in cluster.pending() if p in owned and mine(t)]
            if not ready:
                if not cluster.pending() and not busy[0]:
                    return
                await asyncio.sleep(0)
                continue
            topic, partition = rng.choice(ready)
            start = cluster.consumed[(topic, partition)]
            batch = cluster.logs[(topic, partition)][start:start + rng.randint(1, 7)]
            cluster.consumed[(topic, partition)] = start + len(batch)
            busy[0] += 1
            try:
                await (pipeline.aggregates(batch) if lane == "aggregates" else pipeline.entities(batch))
            finally:
                busy[0] -= 1

    async with asyncio.TaskGroup() as group:
        for pipeline, owned in pipelines:
            for lane in ("domain", "sis", "aggregates"):
                group.create_task(consume(pipeline, owned, lane))


@pytest.mark.parametrize(("replicas", "seed"), [(1, 11), (2, 12), (3, 13)])
async def test_the_lanes_of_each_replica_running_at_once_give_the_documents_of_one_process(replicas, seed):
    """The domain and SIS lanes write a student's entity from two tasks: the entity locks keep
    one of them waiting while the other reads, changes and saves it (without them an update is lost)."""
    history = two_units()
    random.Random(seed).shuffle(history)
    one = MemoryReportStore()
    await fold_into(one, history)
    cluster, store, writers = Cluster(), MemoryReportStore(), defaultdict(set)
    for event in history:
        record = record_of(event)
        record.key = event.partition_key().encode()
        cluster.place(record)
    pipelines = []
    for replica in range(replicas):
        pipelines.append((stages_of(cluster, Interleaving(store, replica, writers)),  # type: ignore[arg-type]
                          set(owned_partitions(replica, replicas, PARTITIONS))))
    await asyncio.wait_for(run_lanes_at_once(cluster, pipelines, random.Random(seed)), 30)
    for name in (ENTITIES, AGGREGATES):
        assert store.collections[name] == one.collections[name], name
