"""Reading topics in step by record time on the real broker, with aiokafka's own pause, seek,
fetch and commit (``hoks_shared.messaging.in_step_reading``; the SIS views' consumer uses it).

A resync-shaped feed (a student record, then 1–6 absence records a student, keyed by the student)
is read in small partition fetches, so that the absences' partitions fall behind the students'.
Read in step, a student's records share a batch; read as fetched, they do not. The consumer is
stopped half-way and another takes over from the committed offsets: every record is applied
exactly once, in order per partition (a commit never covers a carried record).
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import defaultdict
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from hoks_shared.messaging.in_step_reading import InStepReading, partition_progress

STUDENTS = 240


async def publish_feed(bootstrap: str, topics: tuple[str, str]) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, num_partitions=2, replication_factor=1) for t in topics])
    finally:
        await admin.close()
    rng = random.Random(3)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    sent = 0
    try:
        for n in range(STUDENTS):
            key = f"1.2.246.562.24.{n:011d}".encode()
            for topic, count in ((topics[0], 1), (topics[1], rng.randint(1, 6))):
                for i in range(count):
                    await producer.send(topic, key=key, value=f'{{"n": {n}, "i": {i}, "pad": "{"x" * 200}"}}'.encode())
                    sent += 1
            if n % 20 == 19:
                await producer.flush()
                await asyncio.sleep(0.002)  # the clock moves on between students, as in a real feed
        await producer.flush()
    finally:
        await producer.stop()
    return sent


async def consume(bootstrap: str, topics: tuple[str, str], group: str, in_step: bool, stop_after: int | None,
                  applied: list[tuple[str, int, int]], batches: list[set[bytes]], expected: int) -> int:
    """Applies records until all are, or (``stop_after``) until half are and some are carried;
    returns how many records were carried (read, not applied) when it stopped."""
    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                auto_offset_reset="earliest", max_partition_fetch_bytes=4096)
    await consumer.start()
    reading = InStepReading()
    idle = 0
    try:
        while idle < 50:  # ~10 s without a record applied: stalled
            carried = sum(map(len, reading.carried.values()))
            if len(applied) >= expected or (stop_after is not None and len(applied) >= stop_after and carried):
                return carried
            got = await consumer.getmany(timeout_ms=200, max_records=400)
            records: list[Any] = [r for part in got.values() for r in part]
            if not records and not consumer.paused():
                idle += 1
                continue
            now = reading.take(records, await partition_progress(consumer)) if in_step else records
            if in_step:
                reading.steer(consumer, consumer.paused())
            idle = 0 if now else idle + 1
            applied += [(r.topic, r.partition, r.offset) for r in now]
            if now:
                batches.append({r.key for r in now})
            await consumer.commit()
        raise AssertionError("the consumer stalled")
    finally:
        await consumer.stop()


def writes_per_student(batches: list[set[bytes]]) -> float:
    return sum(len(b) for b in batches) / len(set().union(*batches))


async def test_in_step_reading_shares_batches_and_loses_nothing_across_a_takeover(stack: Any) -> None:
    run = uuid.uuid4().hex[:8]
    topics = (f"{stack.prefix}instep-{run}.students", f"{stack.prefix}instep-{run}.absences")
    expected = await publish_feed(stack.bootstrap, topics)

    as_fetched: list[set[bytes]] = []
    await consume(stack.bootstrap, topics, f"g-fetched-{run}", False, None, [], as_fetched, expected)

    applied: list[tuple[str, int, int]] = []
    in_step: list[set[bytes]] = []
    group = f"g-step-{run}"
    carried = await consume(stack.bootstrap, topics, group, True, expected // 2, applied, in_step, expected)
    assert carried and len(applied) < expected  # stopped half-way, records carried and partitions paused
    await consume(stack.bootstrap, topics, group, True, None, applied, in_step, expected)

    assert len(applied) == len(set(applied)) == expected, "every record applied exactly once"
    order: dict[tuple[str, int], list[int]] = defaultdict(list)
    for topic, partition, offset in applied:
        order[(topic, partition)].append(offset)
    assert all(offsets == sorted(offsets) for offsets in order.values())
    assert writes_per_student(as_fetched) > 1.5
    assert writes_per_student(in_step) < 1.2, (writes_per_student(in_step), writes_per_student(as_fetched))
