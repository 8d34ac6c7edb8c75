"""Benchmark: do domain events wait behind a bulk SIS load? Event → view latency, on the real stack.

Two domain events, each in the service whose view it changes, the service started in this
process (as the other benches do) on fresh topics and a fresh database:

* ``meeting-scheduled`` → the meetings service (its meetings view);
* ``checklist-completed`` (one row with a referral) → the referrals service (its referrals).

The demo institution's SIS feed (``--students``, default 4,220) is on the topics before the
service starts, so the service begins with a full SIS load into empty views (the heaviest
resync: every student written). Domain events are published at ``--rate`` a second the whole
time (``ce_time`` = when sent); the latency is from that time to the moment the service's
consumer applied the event. Measured in the same run: during the SIS load, then with no load
(the views full, nothing else arriving) for as long. Each service is measured with the SIS
ingestion's store share as configured (``--shares``, default ``1 0.5``: no budget, the default).

``--split`` also measures the lanes apart (``HOKS_CONSUMERS``): the domain consumers in this
process (``domain``), the SIS views' ingestion in a second process of the same service (``sis``,
the service's own command), as a national operator would deploy them; the SIS load is over when
the ``-sis`` group has committed every record.

    .venv/bin/python bench/domain_during_resync.py [--students N] [--rate R] [--shares 1 0.5] [--split]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from hoks_devinfra.manager import Infra, ensure_topics
from hoks_meetings.main import SIS_TOPICS as MEETINGS_SIS
from hoks_meetings.main import build as build_meetings
from hoks_referrals.main import SIS_TOPICS as REFERRALS_SIS
from hoks_referrals.main import build as build_referrals
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.meetings import ChecklistCompleted, MeetingScheduled
from hoks_shared.settings import KafkaSettings, MongoSettings, ServiceSettings
from hoks_shared.sisviews import ingest
from hoks_shared.topics import MEETING_OUTCOMES, MEETING_SCHEDULE, Topic, TopicNaming
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize
from hoks_sisfeed.publishing import publish_records
from hoks_sisfeed.records import feed_record

AS_OF = date(2026, 11, 28)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency_line(name: str, ms: list[float], load: str) -> str:
    if not ms:
        return f"  {name:<46} n=    0"
    return (f"  {name:<46} n={len(ms):>4}  p50={pct(ms, .5):7.0f} ms  p99={pct(ms, .99):7.0f} ms  "
            f"max={max(ms):7.0f} ms  load {load}")


def scheduled(i: int) -> MeetingScheduled:
    starts = datetime(2026, 12, 1, 9, tzinfo=UTC) + timedelta(days=i % 60, hours=i % 6)
    return MeetingScheduled(
        meeting_id=f"mtg-bench-{uuid.uuid4().hex[:12]}", kind="group", unit_id=f"unit-{i % 6}",
        group_id=f"BENCH{i % 220:03d}", academic_year="2026-2027", round=1 + i % 5, theme="study-progress",
        responsible_teacher_oid=f"1.2.246.562.24.7{i % 90:010d}", starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        participants=[{"person_oid": f"1.2.246.562.24.6{i % 16:010d}", "role": "counselor"},
                      {"person_oid": f"1.2.246.562.24.7{i % 90:010d}", "role": "responsible-teacher"}])


def checklist(i: int) -> ChecklistCompleted:
    teacher, counselor = f"1.2.246.562.24.7{i % 90:010d}", f"1.2.246.562.24.6{i % 16:010d}"
    return ChecklistCompleted(
        meeting_id=f"mtg-bench-{uuid.uuid4().hex[:12]}", kind="group", unit_id=f"unit-{i % 6}",
        group_id=f"BENCH{i % 220:03d}", academic_year="2026-2027", round=1 + i % 5, theme="study-progress",
        responsible_teacher_oid=teacher, counselor_oid=counselor, completed_by_oid=counselor,
        completed_at=datetime.now(UTC),
        rows=[{"student_oid": f"1.2.246.562.24.5{i:010d}", "hoks_checked": True, "measures_taken": True,
               "committed": True, "progressing": False, "outcome": "referral",
               "referral": {"target": "special-needs-teacher", "reason_code": "study-skills"}}])


@dataclass
class Case:
    service: str
    build: Callable[..., Any]
    event_type: str
    topic: Topic
    make: Callable[[int], Any]
    sis_topics: list[Topic]


CASES = [Case("meetings", build_meetings, "meeting-scheduled", MEETING_SCHEDULE, scheduled, MEETINGS_SIS),
         Case("referrals", build_referrals, "checklist-completed", MEETING_OUTCOMES, checklist, REFERRALS_SIS)]


class LoopStalls:
    """How late a 10 ms sleep of this process's event loop woke up: the loop was busy that long."""

    def __init__(self) -> None:
        self.worst_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.01)
            self.worst_ms = max(self.worst_ms, 1000 * (time.monotonic() - before - 0.01))

    def start(self) -> None:
        self.worst_ms = 0.0
        self._task = self._task or asyncio.create_task(self._watch())

    def take(self) -> float:
        worst, self.worst_ms = self.worst_ms, 0.0
        return worst


class SisRecords:
    """SIS records the service's SIS consumer has handled (its batches counted as they return)."""

    handled = 0

    @classmethod
    def count(cls) -> None:
        inner = ingest.ingest_batch

        async def counted(records: Any, *rest: Any, **kw: Any) -> None:
            await inner(records, *rest, **kw)
            cls.handled += len(records)

        ingest.ingest_batch = counted  # type: ignore[assignment]


async def committed_everything(bootstrap: str, group: str, topics: list[str]) -> bool:
    """Whether ``group`` has committed up to the end of every partition of ``topics``."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await admin.start()
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in (consumer.partitions_for_topic(t) or
                                                                      await _partitions(consumer, t))]
        ends = await consumer.end_offsets(partitions)
        committed = await admin.list_consumer_group_offsets(group)
        return all(committed.get(tp) is not None and committed[tp].offset >= end for tp, end in ends.items())
    finally:
        await consumer.stop()
        await admin.close()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # noqa: SLF001 - a topic this client has not seen yet
    return consumer.partitions_for_topic(topic) or set()


def sis_process(case: Case, settings: ServiceSettings, share: float) -> subprocess.Popen[bytes]:
    """The service's SIS lane alone, as its own process (the service's own command)."""
    env = {**os.environ, "HOKS_SERVICE_NAME": case.service, "HOKS_CONSUMERS": "sis", "HOKS_HTTP_PORT": "0",
           "HOKS_SIS_STORE_SHARE": str(share), "HOKS_AUTH_MODE": "dev",
           "KAFKA_BOOTSTRAP_SERVERS": settings.kafka.bootstrap_servers,
           "KAFKA_TOPIC_PREFIX": settings.kafka.topic_prefix,
           "MONGODB_URL": settings.mongo.url, "MONGODB_DATABASE": settings.database_name()}
    command = Path(sys.executable).parent / f"hoks-{case.service}"
    return subprocess.Popen([str(command)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def run_case(case: Case, share: float, args: argparse.Namespace, bootstrap: str, mongodb_url: str,
                   split: bool = False) -> list[str]:
    naming = TopicNaming(f"benchdr{uuid.uuid4().hex[:6]}.")
    await ensure_topics(bootstrap, naming)
    kafka = KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=naming.prefix)
    institution = DemoInstitution(DemoSize.scaled(args.students, seed=args.seed, as_of=AS_OF))
    await publish_records((feed_record(e, naming) for e in institution.events()), kafka)
    wanted = {t.events[0].EVENT_TYPE for t in case.sis_topics}
    expected = sum(1 for e in institution.events() if e.EVENT_TYPE in wanted)
    SisRecords.handled = 0
    settings = ServiceSettings(service_name=case.service, kafka=kafka, sis_store_share=share,
                               consumers="domain" if split else "all",
                               mongo=MongoSettings(url=mongodb_url, database=f"bench_dr_{uuid.uuid4().hex[:8]}"))
    app, runtime = case.build(settings)
    sis_topics = [naming.name(t) for t in case.sis_topics]
    sis_group = runtime.group_id + "-sis"
    load_done: dict[str, bool] = {"done": False}

    async def sis_loaded() -> None:  # (split) the other process's group has committed the whole feed
        while not load_done["done"]:
            await asyncio.sleep(0.5)
            load_done["done"] = await committed_everything(bootstrap, sis_group, sis_topics)

    sis_lane = sis_process(case, settings, share) if split else None
    latencies: list[float] = []
    original = runtime.metrics.observe_applied

    def observe(event_type: str, result: str, event_time: datetime) -> None:
        original(event_type, result, event_time)
        if event_type == case.event_type:
            latencies.append(1000 * (datetime.now(UTC) - event_time).total_seconds())

    runtime.metrics.observe_applied = observe  # type: ignore[method-assign]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    sent = 0

    async def send_one() -> None:
        nonlocal sent
        event = case.make(sent)
        sent += 1
        meta = envelope_for(event, source="/bench")
        await producer.send_and_wait(naming.name(case.topic), event.model_dump_json().encode(),
                                     key=event.partition_key().encode(),
                                     headers=[(k, v.encode()) for k, v in meta.to_headers().items()])

    async def trickle(until: Callable[[], bool]) -> float:
        began = time.monotonic()
        n = 0
        while not until():
            await send_one()
            n += 1
            await asyncio.sleep(max(0.0, began + n / args.rate - time.monotonic()))
        return time.monotonic() - began

    async def settled(count: int) -> None:
        deadline = time.monotonic() + 120
        while len(latencies) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    rows: list[str] = []
    stalls = LoopStalls()
    try:
        started = time.monotonic()
        await app.start()
        stalls.start()
        load = loadavg()
        watcher = asyncio.create_task(sis_loaded()) if split else None
        during_s = await trickle((lambda: load_done["done"]) if split else (lambda: SisRecords.handled >= expected))
        if watcher is not None:
            await watcher
        await settled(sent)
        loading_s = time.monotonic() - started
        during, latencies[:] = list(latencies), []
        stalled_during = stalls.take()
        quiet_sent = sent
        quiet_end = time.monotonic() + max(during_s, args.min_seconds)
        await trickle(lambda: time.monotonic() >= quiet_end)
        await settled(sent - quiet_sent)
        label = f"{case.event_type} → {case.service} (share {share:g}{', SIS lane apart' if split else ''})"
        rows.append(latency_line(f"{label}: no SIS load (baseline)", latencies, loadavg()))
        rows.append(latency_line(f"{label}: during the SIS load", during, load))
        rows.append(f"  {'':<46} SIS load: {expected if split else SisRecords.handled:,} records in {loading_s:.1f} s; "
                    f"p99 during ÷ baseline {pct(during, .99) / max(pct(latencies, .99), 1e-9):.1f}; "
                    f"longest event-loop stall {stalled_during:.0f} ms during, {stalls.take():.0f} ms after"
                    if during and latencies else "")
    finally:
        if sis_lane is not None:
            sis_lane.terminate()
            sis_lane.wait(30)
        await producer.stop()
        await runtime.mongo.drop_database(runtime.db.name)
        await app.stop()
    return rows


async def main(args: argparse.Namespace, infra: Infra) -> None:
    bootstrap, mongodb_url = infra.cfg.kafka_bootstrap, infra.cfg.mongodb_url
    SisRecords.count()
    print(f"\nDomain events during a full SIS load ({args.students:,} students; {args.rate:g} events/s; "
          f"Kafka {bootstrap}, store {mongodb_url})")
    for case in CASES:
        if args.only and case.service not in args.only:
            continue
        for share in args.shares:
            for split in ([False, True] if args.split else [False]):
                for row in await run_case(case, share, args, bootstrap, mongodb_url, split):
                    print(row, flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=4220)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rate", type=float, default=5.0, help="domain events a second")
    parser.add_argument("--min-seconds", type=float, default=15.0, help="the baseline's length at the least")
    parser.add_argument("--only", nargs="*", help="services to measure (meetings, referrals)")
    parser.add_argument("--split", action="store_true",
                        help="also run the SIS lane as a process of its own (HOKS_CONSUMERS=domain | sis)")
    parser.add_argument("--shares", type=float, nargs="+", default=[1.0, 0.5],
                        help="the SIS ingestion's share of the store (sis_store_share) to measure with")
    infra = Infra()
    infra.up(say=lambda line: None)
    asyncio.run(main(parser.parse_args(), infra))
