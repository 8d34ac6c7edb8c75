"""Benchmark: full-resync ingestion of the demo SIS feed into a service view, on the real stack.

Publishes the demo institution's feed to fresh topics (or reuses topics published before with
``--prefix``), then measures in the same run:

* baseline: raw aiokafka consumption + raw PyMongo bulk upserts (one ``$set`` upsert per event,
  filtered by ``_id``, in bulk writes of 50) into a fresh database;
* service: the meetings service's real SIS subscriber (FastStream batch consumer, validation,
  dead-letter handling, version checks, ``SisViews``) into a fresh database;
* with ``--into-full``, the service again from the feed's first record into the view it filled:
  a resync of students that all exist (a read and a ``$set`` each instead of an insert).

Both read the same topics (the ones the meetings service subscribes to) from the beginning. A
progress bar goes to stderr. ``--budget S`` stops each measured phase after S seconds and reports
its rate and the time the whole feed would take at that rate (extrapolated, marked so).
``--profile`` adds where the service's time went: the store commands (count and time per command,
from PyMongo's command monitoring), the share of the wall time the SIS handler was busy (the rest
is the Kafka fetch and the framework), the batch sizes; ``--cprofile`` adds cProfile of the
consumer process.
Machines here are noisy, so read the ratio more than the absolute numbers.

    .venv/bin/python bench/sis_ingest.py [--students N] [--seed S] [--budget S] [--prefix P] [--profile] [--into-full]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import resource
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from pymongo import AsyncMongoClient, UpdateOne, monitoring

from hoks_meetings.main import SIS_TOPICS
from hoks_meetings.main import build as build_meetings
from hoks_devinfra.manager import Infra, ensure_topics
from hoks_shared.settings import KafkaSettings, MongoSettings, ServiceSettings
from hoks_shared.sisviews import ingest
from hoks_shared.topics import TopicNaming
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize
from hoks_sisfeed.publishing import publish_records
from hoks_sisfeed.records import feed_record

CHUNK = 50  # FerretDB 1.24 deadlocks past ~100 statements in one write command


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class Progress:
    """A one-line progress bar on stderr, redrawn at most twice a second."""

    def __init__(self, label: str, total: int, budget: float | None) -> None:
        self.label, self.total, self.budget = label, total, budget
        self.started = time.monotonic()
        self.drawn = 0.0

    def show(self, done: float, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.drawn < 0.5:
            return
        self.drawn = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        share = min(1.0, done / self.total) if self.total else 1.0
        eta = (self.total - done) / rate if rate else float("inf")
        bar = "#" * int(share * 30)
        budget = f" budget {self.budget - elapsed:4.0f}s" if self.budget else ""
        sys.stderr.write(f"\r  {self.label:<9} [{bar:<30}] {done:>11,.0f}/{self.total:,} {rate:8,.0f}/s "
                         f"eta {eta / 60:5.1f} min{budget}   ")
        if final:
            sys.stderr.write("\n")
        sys.stderr.flush()


@dataclass
class Phase:
    """One measured phase: events done in ``seconds``; ``complete`` unless the budget ran out."""

    done: float
    seconds: float
    expected: int

    @property
    def complete(self) -> bool:
        return self.done >= self.expected

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    @property
    def total_s(self) -> float:
        """The whole feed's time: measured, or extrapolated at this phase's rate."""
        return self.seconds if self.complete else self.expected / max(self.rate, 1e-9)

    def describe(self) -> str:
        if self.complete:
            return f"{self.seconds:.1f} s  {self.rate:,.0f} events/s"
        return (f"{self.done:,.0f} events in {self.seconds:.0f} s (budget)  {self.rate:,.0f} events/s; "
                f"whole feed extrapolated {self.total_s / 60:.1f} min")


async def baseline(bootstrap: str, mongodb_url: str, topics: list[str], expected: int,
                   budget: float | None) -> Phase:
    client = AsyncMongoClient(mongodb_url)
    db = client[f"bench_baseline_{uuid.uuid4().hex[:8]}"]
    coll = db.sis_students
    await coll.insert_one({"_id": "warm-up"})
    await asyncio.sleep(2.5)  # same start as the service: collection exists, _id index in place
    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=f"bench-{uuid.uuid4().hex}",
                                auto_offset_reset="earliest", enable_auto_commit=False, max_poll_records=10000)
    progress = Progress("baseline", expected, budget)
    started = time.monotonic()
    await consumer.start()
    seen = 0
    try:
        while seen < expected and (budget is None or time.monotonic() - started < budget):
            batch = await consumer.getmany(timeout_ms=500, max_records=10000)
            ops = []
            for records in batch.values():
                for r in records:
                    value = json.loads(r.value)
                    subject = dict(r.headers)["ce_subject"].decode().replace(".", "_")
                    ops.append(UpdateOne({"_id": r.key.decode()}, {"$set": {f"{value['event_type']}.{subject}": value}},
                                         upsert=True))
            for i in range(0, len(ops), CHUNK):
                await coll.bulk_write(ops[i:i + CHUNK], ordered=False)
            seen += len(ops)
            progress.show(seen)
            if batch:
                await consumer.commit()
        phase = Phase(seen, time.monotonic() - started, expected)
        progress.show(seen, final=True)
        return phase
    finally:
        await consumer.stop()
        await client.drop_database(db.name)
        await client.close()


class StoreCommands(monitoring.CommandListener):
    """Count and time of every store command, by name (PyMongo's command monitoring)."""

    def __init__(self) -> None:
        self.active = False
        self.count: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        if self.active:
            self.count[event.command_name] += 1
            self.seconds[event.command_name] += event.duration_micros / 1e6

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self.succeeded(event)  # type: ignore[arg-type]


@dataclass
class HandlerClock:
    """How long the SIS handler was busy, and the sizes of the batches it got."""

    busy: float = 0.0
    batches: list[int] = field(default_factory=list)
    active: bool = True

    def wrap(self) -> None:
        inner = ingest.ingest_batch

        async def timed(records: Any, *args: Any, **kwargs: Any) -> None:
            t = time.monotonic()
            try:
                await inner(records, *args, **kwargs)
            finally:
                if self.active:
                    self.busy += time.monotonic() - t
                    self.batches.append(len(records))

        ingest.ingest_batch = timed  # type: ignore[assignment]


def applied(runtime: Any) -> tuple[float, dict[str, float]]:
    counts: dict[str, float] = {}
    done = 0.0
    for metric in runtime.metrics.registry.collect():
        if metric.name == "hoks_events_applied":
            for sample in metric.samples:
                if sample.name.endswith("_total"):
                    done += sample.value
                    counts[sample.labels["result"]] = counts.get(sample.labels["result"], 0) + sample.value
    return done, counts


async def service(bootstrap: str, mongodb_url: str, naming: TopicNaming, expected: int, budget: float | None,
                  profiler: cProfile.Profile | None, share: float, database: str | None = None,
                  keep: bool = False, label: str = "service") -> tuple[Phase, dict[str, float]]:
    """The meetings service's SIS ingestion from the feed's first record into ``database`` (a fresh
    one by default; dropped afterwards unless ``keep``)."""
    settings = ServiceSettings(service_name="meetings", sis_store_share=share,
                               kafka=KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=naming.prefix),
                               mongo=MongoSettings(url=mongodb_url,
                                                   database=database or f"bench_service_{uuid.uuid4().hex[:8]}"))
    app, runtime = build_meetings(settings)
    await read_again(bootstrap, runtime.group_id + "-sis", [naming.name(t) for t in SIS_TOPICS])
    progress = Progress(label, expected, budget)
    started = time.monotonic()
    if profiler:
        profiler.enable()
    await app.start()
    try:
        while True:
            done, counts = applied(runtime)
            progress.show(done)
            elapsed = time.monotonic() - started
            if done >= expected or (budget is not None and elapsed >= budget):
                if profiler:
                    profiler.disable()
                progress.show(done, final=True)
                return Phase(done, elapsed, expected), counts
            await asyncio.sleep(0.1)
    finally:
        if not keep:
            await runtime.mongo.drop_database(runtime.db.name)
        await app.stop()


async def read_again(bootstrap: str, group: str, topics: list[str]) -> None:
    """A reused feed is read from the beginning again: the group's offsets set to the beginning."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()  # noqa: SLF001 - metadata of topics not subscribed
        parts = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        consumer.assign(parts)
        starts = await consumer.beginning_offsets(parts)
        await consumer.commit({p: starts[p] for p in parts})
    finally:
        await consumer.stop()


async def feed_size(bootstrap: str, topics: list[str]) -> int:
    """Records held by the topics (what a consumer from the beginning reads)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        parts = [TopicPartition(t, p) for t in topics for p in (consumer.partitions_for_topic(t) or
                                                                await _partitions(consumer, t))]
        ends = await consumer.end_offsets(parts)
        starts = await consumer.beginning_offsets(parts)
        return sum(ends[p] - starts[p] for p in parts)
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # noqa: SLF001 - metadata of topics not subscribed
    return consumer.partitions_for_topic(topic) or set()


def profile_rows(profiler: cProfile.Profile | None, commands: StoreCommands, clock: HandlerClock, phase: Phase) -> None:
    print("\nWhere the service's time went (profile of the service phase)")
    print(f"  SIS handler busy {clock.busy:.1f} s of {phase.seconds:.1f} s wall "
          f"({clock.busy / phase.seconds:.0%}); the rest: Kafka fetch and framework")
    if clock.batches:
        print(f"  batches: {len(clock.batches)}, records each: mean {sum(clock.batches) / len(clock.batches):,.0f}, "
              f"max {max(clock.batches):,}")
    print("  store commands (count, total s, mean ms):")
    for name in sorted(commands.count, key=lambda n: -commands.seconds[n]):
        n, s = commands.count[name], commands.seconds[name]
        print(f"    {name:<12} {n:>8,}  {s:8.1f} s  {1000 * s / n:7.2f} ms")
    if profiler is None:
        return
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(18)
    print("  cProfile, by own time (consumer process, incl. the bench's polling loop):")
    print("\n".join("    " + line for line in out.getvalue().splitlines() if line.strip())[:6000])


async def main(args: argparse.Namespace, infra: Infra) -> None:
    bootstrap, mongodb_url = infra.cfg.kafka_bootstrap, infra.cfg.mongodb_url
    prefix = args.prefix or f"bench{uuid.uuid4().hex[:6]}."
    naming = TopicNaming(prefix)
    topics = [naming.name(t) for t in SIS_TOPICS]
    await ensure_topics(bootstrap, naming)
    size = DemoSize(seed=args.seed, as_of=date(2026, 11, 28)) if args.students is None else \
        DemoSize.scaled(args.students, seed=args.seed, as_of=date(2026, 11, 28))
    published, publish_s = 0, 0.0
    if await feed_size(bootstrap, topics) == 0:
        institution = DemoInstitution(size)
        t0 = time.monotonic()
        published = await publish_records((feed_record(e, naming) for e in institution.events()),
                                          KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix))
        publish_s = time.monotonic() - t0
    expected = await feed_size(bootstrap, topics)
    if args.publish_only:
        print(f"{expected:,} events in {prefix}* (published {published:,} in {publish_s:.0f} s)")
        return

    load_before = loadavg()
    base = await baseline(bootstrap, mongodb_url, topics, expected,
                          args.budget if args.baseline_budget is None else args.baseline_budget)
    load_mid = loadavg()
    profiler = cProfile.Profile() if args.cprofile else None
    commands, clock = StoreCommands(), HandlerClock()
    if args.profile:
        monitoring.register(commands)
        commands.active = True
        clock.wrap()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    database = f"bench_service_{uuid.uuid4().hex[:8]}"
    svc, counts = await service(bootstrap, mongodb_url, naming, expected, args.budget, profiler,
                                args.share, database, keep=args.into_full)
    commands.active = clock.active = False
    again = None
    if args.into_full:  # the same feed again into the view it filled: every student exists
        again, _ = await service(bootstrap, mongodb_url, naming, expected, args.budget, None, args.share,
                                 database, label="again")

    rows = [
        ("students", f"{size.students:,} (topics {prefix}*)"),
        ("events published (all SIS topics)", f"{published:,} in {publish_s:.1f} s ({published / publish_s:,.0f}/s)"
         if published else "reused (published before)"),
        ("events in the meetings service's topics", f"{expected:,}"),
        ("baseline: raw aiokafka + PyMongo upserts", base.describe()),
        (f"service: SIS subscriber into its view (store share {args.share:g})", svc.describe()),
        ("service / baseline throughput", f"{svc.rate / base.rate:.2f}" if base.rate else "-"),
        *([("service again, into the view it filled (every student exists)", again.describe()),
           ("again / baseline throughput", f"{again.rate / base.rate:.2f}" if base.rate else "-")] if again else []),
        ("service results", ", ".join(f"{k} {v:,.0f}" for k, v in sorted(counts.items()) if v)),
        ("peak memory of the benchmark process before / after the service",
         f"{rss_before / 1024:,.0f} / {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"),
        ("load average (1/5/15 min) before / between / after", f"{load_before} / {load_mid} / {loadavg()}"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"\nSIS full-resync ingestion benchmark (Kafka {bootstrap}, store {mongodb_url})")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    if args.profile:
        profile_rows(profiler, commands, clock, svc)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, help="total students (default: the slides' institution, 4,220)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--budget", type=float, help="seconds each measured phase may take; then it stops and "
                                                      "the whole feed's time is extrapolated from its rate")
    parser.add_argument("--baseline-budget", type=float, help="the baseline's own budget (default: --budget)")
    parser.add_argument("--prefix", help="topic prefix: reuse a feed published before under it (published if empty)")
    parser.add_argument("--profile", action="store_true",
                        help="where the service's time went: store commands, handler busy share, batch sizes")
    parser.add_argument("--cprofile", action="store_true", help="with --profile: cProfile of the service phase too "
                                                                "(slows the consumer)")
    parser.add_argument("--into-full", action="store_true",
                        help="then ingest the feed again into the view it filled (a resync of existing students)")
    parser.add_argument("--publish-only", action="store_true", help="publish the feed under --prefix, measure nothing")
    parser.add_argument("--share", type=float, default=1.0,
                        help="the service's sis_store_share (default 1: nothing else runs in it here)")
    infra = Infra()
    infra.up(say=lambda line: None)  # starts the embedded Kafka and FerretDB unless they run
    asyncio.run(main(parser.parse_args(), infra))
