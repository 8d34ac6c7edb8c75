"""Benchmark of the outbox relay on the real stack (embedded Kafka + FerretDB behind its front).

1. **Throughput.** ``--events`` staged entries (realistic ``meeting-scheduled`` bodies) in two
   shapes: one entry per document (audit records) and five per document (a state that changed
   several times). Each is drained by the service's relay (``OutboxRelay`` with the services'
   ``EventPublisher.send_entry``: sends a pass's entries together, awaits the acknowledgements
   once, one removal write per document) and by the same relay awaiting each acknowledgement
   before the next send (the previous behaviour). Baseline in the same run: raw aiokafka
   (acks=all, idempotent) producing the same records, every send then one wait.
2. **Event → view latency during a SIS load.** The meetings service consumes fresh topics while
   the demo institution's SIS feed (``--sis-students``) is published at full speed. A planner-like
   burst (``--burst`` meetings staged at once, as planning a year does) and a trickle
   (``--rate`` a second) of ``meeting-scheduled`` entries are staged in a scheduler-like
   collection and relayed; latency is from the entry's staging (its ``ce_time``) to the meetings
   service's view update. Baseline: the same trickle without the SIS load.

    .venv/bin/python bench/outbox_relay.py [--events 5000] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import UpdateOne

os.environ.setdefault("HOKS_AUTH_MODE", "dev")

from hoks_meetings.main import build as build_meetings  # noqa: E402
from hoks_shared.contracts.meetings import MeetingScheduled  # noqa: E402
from hoks_devinfra.manager import Infra, ensure_topics  # noqa: E402
from hoks_shared.runtime.service import build_runtime  # noqa: E402
from hoks_shared.settings import KafkaSettings, MongoSettings, ServiceSettings  # noqa: E402
from hoks_shared.store.outbox import STAGED, OutboxRelay, outbox_fields  # noqa: E402
from hoks_shared.topics import TopicNaming  # noqa: E402
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize  # noqa: E402
from hoks_sisfeed.publishing import publish_records  # noqa: E402
from hoks_sisfeed.records import feed_record  # noqa: E402

AS_OF = date(2026, 11, 28)
SHAPES = ((1, "audit records: one entry, handed over"), (5, "five entries per document, read back"))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency_line(name: str, ms: list[float]) -> str:
    if not ms:
        return f"  {name:<62} n=    0"
    return (f"  {name:<62} n={len(ms):>5}  p50={pct(ms, .5):8.1f} ms  p99={pct(ms, .99):8.1f} ms  "
            f"max={max(ms):8.1f} ms")


def meeting(i: int, when: datetime | None = None) -> MeetingScheduled:
    """The ``i``-th meeting of a demo-like year: 6 units, 16 counselors, over 8 months."""
    starts = (when or datetime(2026, 9, 1, 9, tzinfo=UTC)) + timedelta(days=(i * 7) % 240, hours=i % 6)
    return MeetingScheduled(
        meeting_id=f"mtg-bench-{uuid.uuid4().hex[:12]}", kind="group", unit_id=f"unit-{i % 6}",
        group_id=f"BENCH{i % 220:03d}",
        academic_year="2026-2027", round=1 + i % 5, theme="study-progress",
        responsible_teacher_oid=f"1.2.246.562.24.7{i % 90:010d}", starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        participants=[{"person_oid": f"1.2.246.562.24.6{i % 16:010d}", "role": "counselor"},
                      {"person_oid": f"1.2.246.562.24.7{i % 90:010d}", "role": "responsible-teacher"}])


def settings_for(name: str, kafka: KafkaSettings, mongodb_url: str) -> ServiceSettings:
    return ServiceSettings(service_name=name, kafka=kafka, outbox_poll_seconds=0.5,
                           mongo=MongoSettings(url=mongodb_url, database=f"bench_{name}_{uuid.uuid4().hex[:8]}"))


# -- part 1 ------------------------------------------------------------------------------------
async def raw_aiokafka(entries: list[dict[str, Any]], bootstrap: str) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        values = [(e["topic"], MeetingScheduled.model_validate(e["body"]).model_dump_json().encode(),
                   e["key"].encode(), [(k, v.encode()) for k, v in e["headers"].items()]) for e in entries]
        await producer.partitions_for(values[0][0])  # the topic's metadata before the clock starts
        started = time.perf_counter()
        acks = [await producer.send(topic, value=value, key=key, headers=headers)
                for topic, value, key, headers in values]
        await asyncio.gather(*acks)
        return time.perf_counter() - started
    finally:
        await producer.stop()


async def staged(entries: list[dict[str, Any]], per_doc: int, runtime: Any) -> tuple[Any, list[dict[str, Any]]]:
    collection = runtime.db[f"outbox_{uuid.uuid4().hex[:6]}"]
    docs = [{"_id": f"d{n}", "state": "x", **outbox_fields(entries[start:start + per_doc])}
            for n, start in enumerate(range(0, len(entries), per_doc))]
    for start in range(0, len(docs), 50):
        await collection.insert_many(docs[start:start + 50])
    await asyncio.sleep(2.5)  # a new collection gets its _id lookup index (deploy/ferretdb/idindex.go)
    return collection, docs


async def raw_store(entries: list[dict[str, Any]], per_doc: int, runtime: Any) -> float:
    """The store's share alone: read each document by ``_id`` (16 at a time) and remove its
    entries in bulk writes of 50, with raw PyMongo and no Kafka."""
    collection, docs = await staged(entries, per_doc, runtime)
    gate = asyncio.Semaphore(16)

    async def read(doc_id: str) -> dict[str, Any]:
        async with gate:
            return await collection.find_one({"_id": doc_id})

    started = time.perf_counter()
    read_back = await asyncio.gather(*(read(d["_id"]) for d in docs))
    await asyncio.gather(*(collection.bulk_write(
        [UpdateOne({"_id": d["_id"]}, {"$pullAll": {"_outbox": d["_outbox"]}}) for d in read_back[i:i + 50]],
        ordered=False) for i in range(0, len(read_back), 50)))
    took = time.perf_counter() - started
    await collection.drop()
    return took


async def relayed(entries: list[dict[str, Any]], per_doc: int, runtime: Any, confirm_each: bool) -> float:
    collection, docs = await staged(entries, per_doc, runtime)
    send = runtime.publisher.publish_entry if confirm_each else runtime.publisher.send_entry
    relay = OutboxRelay([collection], send, runtime.metrics, lane="bench")
    for doc in docs:  # audit records: handed over with the notice, as the audit trail does
        relay.notify(collection.name, doc["_id"], doc["_outbox"] if per_doc == 1 else None)
    started = time.perf_counter()
    published = await relay.drain_once(sweep=False)
    took = time.perf_counter() - started
    left = await collection.count_documents(STAGED)
    assert published == len(entries) and left == 0, (published, left)
    await collection.drop()
    return took


async def part_throughput(bootstrap: str, mongodb_url: str, args: argparse.Namespace) -> None:
    naming = TopicNaming(f"bench{uuid.uuid4().hex[:6]}.")
    await ensure_topics(bootstrap, naming)
    kafka = KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=naming.prefix)
    runtime = build_runtime(settings_for("relaybench", kafka, mongodb_url))
    await runtime.broker.start()
    try:
        print(f"\n1. Throughput: {args.events:,} staged meeting-scheduled entries (events/s, higher is better)")
        rows = []
        for per_doc, label in SHAPES:
            entries = [runtime.publisher.entry(meeting(i)) for i in range(args.events)]
            raw = await raw_aiokafka(entries, bootstrap)
            store = await raw_store(entries, per_doc, runtime)
            batched = await relayed(entries, per_doc, runtime, confirm_each=False)
            each = await relayed(entries[:args.events // 5], per_doc, runtime, confirm_each=True) * 5
            rows.append((label, raw, store, batched, each))
        print(f"  {'shape':<40} {'raw aiokafka':>13} {'raw store':>11} {'relay':>10} {'÷ kafka':>8} {'÷ store':>8} "
              f"{'ack each':>10}")
        for label, raw, store, batched, each in rows:
            n = args.events
            print(f"  {label:<40} {n / raw:>11,.0f}/s {n / store:>9,.0f}/s {n / batched:>8,.0f}/s {raw / batched:>8.3f} "
                  f"{store / batched:>8.2f} {n / each:>8,.0f}/s")
        print("  relay: the service's relay; raw store: its reads and removals alone (PyMongo, no Kafka); ratios are\n"
              "  relay events/s ÷ the baseline's; ack each: the relay awaiting each acknowledgement (timed on a fifth)")
    finally:
        await runtime.broker.stop()
        await runtime.mongo.drop_database(runtime.db.name)
        await runtime.mongo.close()


# -- part 2 ------------------------------------------------------------------------------------
async def part_latency(bootstrap: str, mongodb_url: str, args: argparse.Namespace) -> None:
    naming = TopicNaming(f"bench{uuid.uuid4().hex[:6]}.")
    await ensure_topics(bootstrap, naming)
    kafka = KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=naming.prefix)
    app, service = build_meetings(settings_for("meetings", kafka, mongodb_url))
    latencies: list[float] = []
    original = service.metrics.observe_applied

    def observe(event_type: str, result: str, event_time: datetime) -> None:
        original(event_type, result, event_time)
        if event_type == "meeting-scheduled":
            latencies.append(1000 * (datetime.now(UTC) - event_time).total_seconds())

    service.metrics.observe_applied = observe  # type: ignore[method-assign]
    planner = build_runtime(settings_for("scheduler", kafka, mongodb_url))
    relay = planner.use_outbox("meetings")
    await app.start()
    await planner.broker.start()
    relay.start()
    staged = 0

    async def stage(count: int) -> None:
        nonlocal staged
        docs = []
        for _ in range(count):
            event = meeting(staged, when=datetime.now(UTC) + timedelta(days=1))
            staged += 1
            docs.append({"_id": event.meeting_id, **outbox_fields([planner.publisher.entry(event)])})
        for start in range(0, len(docs), 50):
            await planner.db.meetings.insert_many(docs[start:start + 50])
        for doc in docs:
            relay.notify("meetings", doc["_id"])

    async def trickle(seconds: float) -> int:
        sent, until = 0, time.monotonic() + seconds
        while time.monotonic() < until:
            await stage(1)
            sent += 1
            await asyncio.sleep(1 / args.rate)
        return sent

    async def wait_for(n: int) -> None:
        deadline = time.monotonic() + 600
        while len(latencies) < n and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    try:
        print(f"\n2. meeting-scheduled: staged in a planner's outbox → relay → Kafka → the meetings service's view")
        await stage(5)  # warm-up: consumers joined, topics known
        await wait_for(5)
        latencies.clear()
        sent = await trickle(args.seconds)
        await wait_for(sent)
        print(latency_line(f"trickle of {args.rate:g}/s, no other load (baseline)", latencies))
        latencies.clear()
        await stage(args.burst)
        await wait_for(args.burst)
        print(latency_line(f"burst of {args.burst} staged at once, no other load (baseline)", latencies))

        demo = DemoInstitution(DemoSize.scaled(args.sis_students, seed=3, as_of=AS_OF))
        feed = [feed_record(e, naming) for e in demo.events()]
        latencies.clear()
        started = time.monotonic()
        publishing = asyncio.create_task(publish_records(iter(feed), kafka))
        await asyncio.sleep(1.0)
        await stage(args.burst)
        await wait_for(args.burst)
        burst = list(latencies)
        latencies.clear()
        sent = await trickle(args.seconds)
        await publishing
        await wait_for(sent)
        print(latency_line(f"burst of {args.burst} staged at once, SIS feed loading", burst))
        print(latency_line(f"trickle of {args.rate:g}/s while the SIS feed loads", latencies))
        print(f"  SIS feed: {len(feed):,} records of {args.sis_students:,} students published in "
              f"{time.monotonic() - started:.1f} s; the meetings service ingests them meanwhile")
        applied = service.metrics.registry.get_sample_value(
            "hoks_events_applied_total", {"event_type": "sis-student", "result": "applied"}) or 0
        print(f"  sis-student applied by the meetings service by the end: {applied:,.0f}")
    finally:
        await relay.stop()
        await planner.broker.stop()
        for runtime in (planner, service):
            await runtime.mongo.drop_database(runtime.db.name)
        await app.stop()  # closes the service's client
        await planner.mongo.close()


async def main(args: argparse.Namespace, bootstrap: str, mongodb_url: str) -> None:
    print(f"outbox relay benchmark — Kafka {bootstrap}, store {mongodb_url}, {os.cpu_count()} cores")
    if not args.skip_throughput:
        await part_throughput(bootstrap, mongodb_url, args)
    if not args.skip_latency:
        await part_latency(bootstrap, mongodb_url, args)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=5_000, help="entries per throughput shape")
    parser.add_argument("--burst", type=int, default=617, help="meetings staged at once (a year's plan of the demo)")
    parser.add_argument("--rate", type=float, default=5.0, help="meetings a second in the trickle")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each trickle")
    parser.add_argument("--sis-students", type=int, default=4_220, help="demo institution size of the SIS load")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        args.events, args.burst, args.seconds, args.sis_students = 500, 60, 4.0, 400
    infra = Infra()
    infra.up(say=lambda text: None)
    asyncio.run(main(args, infra.cfg.kafka_bootstrap, infra.cfg.mongodb_url))


if __name__ == "__main__":
    cli()
