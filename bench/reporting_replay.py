"""Benchmark of ``hoks-reporting replay`` against reading the same topics raw, in the same run.

First a realistic institution's history is published to fresh topics on the real broker: the demo
institution's SIS feed (``--students``, default the slides' provider of 4,220) as the initial load
and ``--resyncs`` full resyncs of it, and a year of group meetings: every group's ``--rounds``
rounds scheduled, held and their checklist completed (a row per student), with a referral for
``--referral-share`` of the rows, half of them accepted and closed. Then, alternately ``--repeats``
times:

* **raw read** (the baseline): aiokafka reads every partition of the report's topics from the
  beginning to the end offsets, with the replay's own fetch loop and nothing else (no decoding);
* **replay**: ``hoks_reporting.adapters.replay.rebuild`` — the same read, every record decoded against its
  contract, the whole history folded in memory by the live use case (``apply_events``), every document written
  once into a fresh database of the embedded FerretDB (the checklist rows' and meetings' entities while
  the SIS topics are still being read).

``--verify`` also runs the live service over the topics and then ``replay --verify`` (exit 0 when
every document equals the live one).

    .venv/bin/python bench/reporting_replay.py [--students 4220] [--resyncs 1] [--verify]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import TopicPartition
from pymongo import AsyncMongoClient

from hoks_reporting.adapters.replay import (
    ReplayOutcome,
    end_offsets,
    live_caught_up,
    rebuild,
    records_below,
    run_replay,
)
from hoks_reporting.adapters.settings import ReportSettings
from hoks_reporting.main import build
from hoks_shared.contracts import meetings, referrals
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.sis import GroupUpserted, StudentUpserted
from hoks_devinfra.manager import ensure_topics
from hoks_shared.settings import KafkaSettings, MongoSettings, ServiceSettings
from hoks_shared.topics import TopicNaming, topic_of
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize
from hoks_sisfeed.publishing import publish_records
from hoks_sisfeed.records import FeedRecord, feed_record

YEAR = "2026-2027"
THEMES = ("start-of-studies", "absence-mapping", "study-progress", "study-progress", "final-phase-mapping")
TARGETS = ("special-needs-teacher", "counselor", "curator")


def year_of_meetings(sis: list[Any], rounds: int, referral_share: float, seed: int) -> list[Any]:
    """Every group's rounds: scheduled, held, checklist completed; referrals from some rows."""
    rng = random.Random(seed)
    members: dict[str, list[str]] = defaultdict(list)
    for e in sis:
        if isinstance(e, StudentUpserted):
            members[e.group_id].append(e.student_oid)
    out: list[Any] = []
    start = datetime(2026, 8, 24, 9, tzinfo=UTC)
    for gi, g in enumerate(e for e in sis if isinstance(e, GroupUpserted)):
        teacher = g.responsible_teacher_oids[0]
        for r in range(1, rounds + 1):
            when = start + timedelta(days=(r - 1) * 60 + gi % 30)
            place = dict(meeting_id=f"m-{g.group_id}-r{r}", kind="group", unit_id=g.unit_id, group_id=g.group_id,
                         academic_year=YEAR, round=r)
            theme = THEMES[(r - 1) % len(THEMES)]
            out.append(meetings.MeetingScheduled(
                **place, theme=theme, responsible_teacher_oid=teacher, starts_at=when,
                ends_at=when + timedelta(minutes=45),
                participants=[{"person_oid": g.counselor_oid, "role": "counselor"},
                              {"person_oid": teacher, "role": "responsible-teacher"}]))
            out.append(meetings.MeetingHeld(**place, theme=theme, held_on=when.date(), responsible_teacher_oid=teacher,
                                            attendance=[{"person_oid": g.counselor_oid, "role": "counselor",
                                                         "present": True}]))
            rows = []
            for student in members[g.group_id]:
                progressing = rng.random() > 0.2
                rows.append({"student_oid": student, "hoks_checked": True, "measures_taken": rng.random() > 0.1,
                             "committed": rng.random() > 0.1, "progressing": progressing,
                             "outcome": "no-action" if progressing else "hoks-update"})
                if rng.random() < referral_share:
                    ref = f"ref-{g.group_id}-r{r}-{student[-6:]}"
                    target = rng.choice(TARGETS)
                    made_at = when + timedelta(minutes=50)
                    out.append(referrals.ReferralMade(referral_id=ref, student_oid=student, unit_id=g.unit_id,
                                                      target=target, reason_code="study-skills",
                                                      made_by_oid=g.counselor_oid, made_at=made_at,
                                                      origin_meeting_id=place["meeting_id"]))
                    if rng.random() < 0.5:
                        out.append(referrals.ReferralAccepted(referral_id=ref, student_oid=student,
                                                              accepted_by_oid=g.counselor_oid, target=target,
                                                              accepted_at=made_at + timedelta(days=1),
                                                              unit_id=g.unit_id))
                        out.append(referrals.ReferralClosed(referral_id=ref, student_oid=student, status="closed",
                                                            outcome_code="hoks-updated", target=target,
                                                            closed_by_oid=g.counselor_oid, unit_id=g.unit_id,
                                                            closed_at=made_at + timedelta(days=9)))
            out.append(meetings.ChecklistCompleted(
                **place, theme=theme, responsible_teacher_oid=teacher, counselor_oid=g.counselor_oid,
                completed_by_oid=g.counselor_oid, completed_at=when + timedelta(minutes=40), rows=rows))
    return out


def domain_record(event: Any, naming: TopicNaming) -> FeedRecord:
    meta = envelope_for(event, source="/bench/meetings")
    return FeedRecord(naming.name(topic_of(event)), event.partition_key(), meta.to_headers(),
                      event.model_dump(mode="json"))


async def raw_read(settings: ServiceSettings, ends: dict[TopicPartition, int], batch: int) -> tuple[int, int, float]:
    """Every record below ``ends``, fetched exactly as the replay fetches them and nothing else:
    (records, bytes, seconds)."""
    wanted = {tp: end for tp, end in ends.items() if end > 0}
    started = time.perf_counter()
    records = size = 0
    async for fetched in records_below(settings, wanted, batch):
        records += len(fetched)
        size += sum(len(r.value or b"") for r in fetched)
    return records, size, time.perf_counter() - started


async def drop_topics(bootstrap: str, prefix: str) -> None:
    """Delete the benchmark's topics (every partition keeps files open on the shared broker)."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=120_000)
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(prefix)]
        for start in range(0, len(mine), 50):
            await admin.delete_topics(mine[start:start + 50])
    finally:
        await admin.close()


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(args: argparse.Namespace, bootstrap: str, mongodb_url: str) -> None:
    print(f"reporting replay benchmark — Kafka {bootstrap}, FerretDB {mongodb_url}, {os.cpu_count()} cores")
    naming = TopicNaming(f"benchrp{uuid.uuid4().hex[:6]}.")
    await ensure_topics(bootstrap, naming)
    kafka = KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=naming.prefix)
    settings = ServiceSettings(service_name="reporting", kafka=kafka,
                               mongo=MongoSettings(url=mongodb_url, database=f"bench_rp_{uuid.uuid4().hex[:8]}"))
    t0 = time.perf_counter()
    demo = DemoInstitution(DemoSize.scaled(args.students, seed=3))
    sis = list(demo.events())
    feed = [feed_record(e, naming) for e in sis]
    domain = [domain_record(e, naming) for e in year_of_meetings(sis, args.rounds, args.referral_share, seed=4)]
    print(f"history: {args.students:,} students; SIS feed {len(feed):,} records x {1 + args.resyncs} "
          f"(initial load + {args.resyncs} full resync); a year of meetings {len(domain):,} records "
          f"(built in {time.perf_counter() - t0:.1f} s)")
    t0 = time.perf_counter()
    published = await publish_records(iter(feed), kafka)
    published += await publish_records(iter(domain), kafka)
    for _ in range(args.resyncs):
        published += await publish_records(iter(feed), kafka)
    print(f"published {published:,} records in {time.perf_counter() - t0:.1f} s")

    ends = await end_offsets(settings)
    report = ReportSettings()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    raw_runs: list[tuple[int, int, float]] = []
    replays: list[ReplayOutcome] = []
    try:
        for n in range(args.repeats):
            raw_runs.append(await raw_read(settings, ends, args.batch))
            db = client[f"bench_rp_replay_{uuid.uuid4().hex[:8]}"]
            try:
                replays.append(await rebuild(settings, report, db, ends, args.batch))
            finally:
                await client.drop_database(db.name)
            print(f"  run {n + 1}: raw read {raw_runs[-1][2]:.2f} s, replay {replays[-1].seconds:.2f} s "
                  f"(read+decode {replays[-1].read_s:.2f}, fold {replays[-1].fold_s:.2f}, "
                  f"write {replays[-1].write_s:.2f} after the read, {replays[-1].written_early:,} documents written "
                  f"during it)")
    finally:
        await client.close()

    records, size = raw_runs[0][0], raw_runs[0][1]
    raw_s = statistics.median(r[2] for r in raw_runs)
    rep = sorted(replays, key=lambda o: o.seconds)[len(replays) // 2]
    events = rep.events
    print(f"\n{records:,} records ({size / 2**20:.1f} MiB) on {len(ends)} partitions; {events:,} of them report "
          f"events; {rep.documents:,} report documents; medians of {args.repeats} runs; peak RSS {rss_mib():,.0f} MiB")
    print("| what | seconds | records/s | report events/s | vs raw read |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| raw read (aiokafka, no decoding) — baseline | {raw_s:.2f} | {records / raw_s:,.0f} | "
          f"{events / raw_s:,.0f} | 1.00 |")
    print(f"| replay: read + decode | {rep.read_s:.2f} | {records / rep.read_s:,.0f} | {events / rep.read_s:,.0f} | "
          f"{rep.read_s / raw_s:.2f} |")
    print(f"| replay: fold in memory | {rep.fold_s:.2f} | | {events / rep.fold_s:,.0f} | |")
    print(f"| replay: write {rep.documents:,} documents once ({rep.written_early:,} of them while reading) "
          f"| {rep.write_s:.2f} (after the read) | | | |")
    print(f"| **replay, total** | {rep.seconds:.2f} | {records / rep.seconds:,.0f} | "
          f"**{events / rep.seconds:,.0f}** | {rep.seconds / raw_s:.2f} |")

    if args.verify:
        print("\nlive service over the same topics, then replay --verify")
        app, _runtime = build(settings)
        t0 = time.perf_counter()
        await app.start()
        try:
            caught_up = await live_caught_up(settings, ends, timeout_s=args.live_timeout)
            print(f"  live service {'caught up' if caught_up else 'NOT caught up'} in "
                  f"{time.perf_counter() - t0:.1f} s ({events / (time.perf_counter() - t0):,.0f} events/s)")
            lines: list[str] = []
            code = await run_replay(settings, report, verify=True, say=lines.append)
            for text in lines:
                print("  " + text)
            print(f"  replay --verify exit code {code}")
        finally:
            await app.stop()
            client = AsyncMongoClient(mongodb_url)
            await client.drop_database(settings.mongo.database)
            await client.close()
    await drop_topics(bootstrap, naming.prefix)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=4_220, help="demo institution size")
    parser.add_argument("--resyncs", type=int, default=1, help="full SIS resyncs after the initial load")
    parser.add_argument("--rounds", type=int, default=5, help="group meeting rounds in the year")
    parser.add_argument("--referral-share", type=float, default=0.05, help="share of checklist rows referred")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=5000, help="records per fetch")
    parser.add_argument("--verify", action="store_true", help="also run the live service and replay --verify")
    parser.add_argument("--live-timeout", type=float, default=600.0)
    from bench_cli import run_on_embedded_stack

    run_on_embedded_stack(main, parser.parse_args())


if __name__ == "__main__":
    cli()
