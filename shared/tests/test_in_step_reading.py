"""Reading the SIS topics in step by record time (``messaging.in_step_reading``).

Driven through a simulated consumer that behaves as aiokafka's does where it matters: each
partition delivers at its own pace (a random share per poll, up to a per-partition cap, as a
partition fetch of so many bytes does), a paused partition delivers nothing, ``seek`` moves the
position, and a commit would cover each partition's position.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import pytest
from aiokafka import TopicPartition

from hoks_shared.messaging.in_step_reading import InStepReading, Progress


@dataclass(frozen=True)
class Rec:
    topic: str
    partition: int
    offset: int
    timestamp: int
    key: str


class SimulatedConsumer:
    def __init__(self, logs: dict[TopicPartition, list[Rec]], cap: dict[str, int], seed: int = 1) -> None:
        self.logs = logs
        self.cap = cap
        self.positions = {tp: 0 for tp in logs}
        self._paused: set[TopicPartition] = set()
        self.rng = random.Random(seed)

    def poll(self) -> list[Rec]:
        out: list[Rec] = []
        for tp, log in self.logs.items():
            if tp in self._paused or self.rng.random() < 0.3:
                continue
            n = self.rng.randint(1, self.cap[tp.topic])
            chunk = log[self.positions[tp]:self.positions[tp] + n]
            self.positions[tp] += len(chunk)
            out += chunk
        return out

    def progress(self) -> dict[TopicPartition, Progress]:
        return {tp: Progress(self.positions[tp], len(log)) for tp, log in self.logs.items()}

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self.positions[partition] = offset

    def pause(self, *partitions: TopicPartition) -> None:
        self._paused.update(partitions)

    def resume(self, *partitions: TopicPartition) -> None:
        self._paused.difference_update(partitions)

    def paused(self) -> set[TopicPartition]:
        return set(self._paused)


def resync_feed(students: int, partitions: int = 2) -> dict[TopicPartition, list[Rec]]:
    """A resync as the SIS adapter publishes it: student by student, a student record, a HOKS and
    1–6 absences, all keyed by the student, the clock ticking on."""
    rng = random.Random(7)
    logs: dict[TopicPartition, list[Rec]] = {TopicPartition(t, p): [] for t in ("students", "hoks", "absences")
                                             for p in range(partitions)}
    clock = 1_000
    for n in range(students):
        key = f"student-{n}"
        p = hash(key) % partitions
        for topic, count in (("students", 1), ("hoks", 1), ("absences", rng.randint(1, 6))):
            for _ in range(count):
                tp = TopicPartition(topic, p)
                logs[tp].append(Rec(topic, p, len(logs[tp]), clock, key))
                clock += rng.choice((0, 1))
    return logs


def run(consumer: SimulatedConsumer, reading: InStepReading | None, limit: int = 10_000) -> list[list[Rec]]:
    """Poll until everything is applied; the batches applied, and after each the commit check."""
    total = sum(len(log) for log in consumer.logs.values())
    batches: list[list[Rec]] = []
    applied: set[tuple[str, int, int]] = set()
    for _ in range(limit):
        if len(applied) == total:
            return batches
        records = consumer.poll()
        now = records if reading is None else reading.take(records, consumer.progress())
        if reading is not None:
            reading.steer(consumer, consumer.paused())
        batches.append(now)
        applied.update((r.topic, r.partition, r.offset) for r in now)
        for tp, position in consumer.positions.items():  # what a commit now would cover: all applied
            assert all((tp.topic, tp.partition, o) in applied for o in range(position)), tp
    raise AssertionError("the reading stalled")


def writes_per_student(batches: list[list[Rec]]) -> float:
    touched = [{r.key for r in batch} for batch in batches]
    students = set().union(*touched)
    return sum(len(keys) for keys in touched) / len(students)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_record_applied_once_in_partition_order_and_never_committed_before_applied(seed: int) -> None:
    logs = resync_feed(400)
    consumer = SimulatedConsumer(logs, {"students": 40, "hoks": 40, "absences": 40}, seed)
    batches = run(consumer, InStepReading())
    order: dict[TopicPartition, list[int]] = {}
    for batch in batches:
        for r in batch:
            order.setdefault(TopicPartition(r.topic, r.partition), []).append(r.offset)
    assert order == {tp: list(range(len(log))) for tp, log in logs.items()}
    assert consumer.paused() == set()


def test_a_students_records_on_all_topics_share_a_batch() -> None:
    """The absences topic holds ~3.5 records a student and is fetched at the same pace in records:
    read as fetched, a student is written in several batches; in step, once, bar the students on
    a batch's boundary (measured here: 2.7 as fetched, 1.05 in step)."""
    logs = resync_feed(1_000)
    caps = {"students": 200, "hoks": 200, "absences": 200}
    as_fetched = writes_per_student(run(SimulatedConsumer(logs, caps), None))
    in_step = writes_per_student(run(SimulatedConsumer(logs, caps), InStepReading()))
    assert as_fetched > 1.5
    assert in_step < 1.1


def test_live_traffic_is_applied_whole_and_nothing_is_paused() -> None:
    """Caught up (every record on the broker delivered), no partition holds another back."""
    tp_a, tp_b = TopicPartition("students", 0), TopicPartition("absences", 0)
    reading = InStepReading()
    records = [Rec("students", 0, 0, 5_000, "s"), Rec("absences", 0, 0, 4_000, "s")]
    now = reading.take(records, {tp_a: Progress(1, 1), tp_b: Progress(1, 1)})
    assert now == records
    assert reading.horizon is None and reading.carried == {}


def test_a_partition_not_started_holds_the_rest_and_the_ahead_one_is_paused_at_its_first_carried() -> None:
    logs = {TopicPartition("students", 0): [Rec("students", 0, i, 100 + i, f"s{i}") for i in range(5)],
            TopicPartition("absences", 0): [Rec("absences", 0, i, 100 + i, f"s{i}") for i in range(5)]}
    consumer = SimulatedConsumer(logs, {"students": 5, "absences": 5})
    first = logs[TopicPartition("students", 0)]  # only the students' partition delivers
    consumer.positions[TopicPartition("students", 0)] = 5
    reading = InStepReading()
    assert reading.take(first, consumer.progress()) == []
    reading.steer(consumer, consumer.paused())
    assert consumer.paused() == {TopicPartition("students", 0)}
    assert consumer.positions[TopicPartition("students", 0)] == 0  # a commit covers nothing unapplied

    second = logs[TopicPartition("absences", 0)][:3]
    consumer.positions[TopicPartition("absences", 0)] = 3
    now = reading.take(second, consumer.progress())
    assert {(r.topic, r.offset) for r in now} == {("students", i) for i in range(3)} | {("absences", i) for i in range(3)}
    reading.steer(consumer, consumer.paused())
    assert consumer.positions[TopicPartition("students", 0)] == 3


def test_a_failed_batch_leaves_nothing_paused_or_carried() -> None:
    logs = resync_feed(50)
    consumer = SimulatedConsumer(logs, {"students": 5, "hoks": 5, "absences": 30})
    reading = InStepReading()
    for _ in range(3):
        reading.take(consumer.poll(), consumer.progress())
        reading.steer(consumer, consumer.paused())
    assert consumer.paused()
    reading.release(consumer, consumer.paused())
    assert consumer.paused() == set() and reading.carried == {} and reading.frontier == {}


def test_records_at_the_horizon_are_applied() -> None:
    tp_a, tp_b = TopicPartition("students", 0), TopicPartition("absences", 0)
    reading = InStepReading()
    records: list[Any] = [Rec("students", 0, 0, 10, "x"), Rec("students", 0, 1, 20, "y"), Rec("absences", 0, 0, 10, "x")]
    now = reading.take(records, {tp_a: Progress(2, 9), tp_b: Progress(1, 9)})
    assert reading.horizon == 10
    assert [(r.topic, r.offset) for r in now] == [("students", 0), ("absences", 0)]
    assert [r.offset for r in reading.carried[tp_a]] == [1]
