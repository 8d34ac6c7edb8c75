"""Benchmark of the reporting service on the real stack (embedded Kafka + FerretDB).

Three parts, each with what it is compared against in the same run:

1. **Query latency at national size.** Synthetic report documents for ``--students`` students
   (default 350,000: ~17,500 responsible teachers of 20, 25 teachers a unit, 5 rounds) are built
   with the service's own roll-up code and written straight to a fresh database; then the unit
   report (``handlers.report_reads.unit_report``: 3 reads by ``_id``) and the whole HTTP request
   ``GET /reports/units/{unit}`` (auth, names, JSON) are timed for random units. Baseline: the
   naive design, one raw row per student and round, the per-teacher table computed at query time
   by ``aggregate($match, $group/$sum)`` (``--baseline-rows`` rows, default one round of every student).
2. **Event → report latency.** The service consumes fresh topics; checklist-completed events
   (one group meeting, ``--group-size`` rows) are published at ``--rate`` a second for
   ``--seconds``; the latency is from the event's time to the report's entities holding it (the
   moment the entity stage applied the checklist's first row; the aggregates follow one hop
   later). Measured under a steady load alone (the baseline), then while the demo institution's SIS
   feed (``--resync-students``) is published at full speed twice: the initial load (every student
   new to the service) and a full resync (the same feed again); ``--repeats`` runs, medians printed.
3. **Replay throughput.** ``hoks-reporting replay`` over everything published in part 2.

    .venv/bin/python bench/reporting_latency.py [--students 350000] [--skip-queries] [--repeats 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from pymongo import AsyncMongoClient

os.environ.setdefault("HOKS_AUTH_MODE", "dev")

from hoks_reporting.adapters.http_api import ReportDeps, build_api_router  # noqa: E402
from hoks_reporting.adapters.names import NameLookup  # noqa: E402
from hoks_reporting.adapters.report_store import MongoReportStore, pack  # noqa: E402
from hoks_reporting.domain import keys, rollup  # noqa: E402
from hoks_reporting.domain.contribution import Contribution  # noqa: E402
from hoks_reporting.adapters.replay import run_replay  # noqa: E402
from hoks_reporting.adapters.settings import ReportSettings  # noqa: E402
from hoks_reporting.handlers import report_reads as reads  # noqa: E402
from hoks_reporting.handlers.ports import AGGREGATES, ReadDeps  # noqa: E402
from hoks_reporting.main import build  # noqa: E402
from hoks_shared.auth import Role  # noqa: E402
from hoks_shared.contracts import meetings  # noqa: E402
from hoks_shared.contracts.envelope import envelope_for  # noqa: E402
from hoks_devinfra.manager import ensure_topics  # noqa: E402
from hoks_shared.settings import KafkaSettings, MongoSettings, ServiceSettings  # noqa: E402
from hoks_testing.auth import app_for_tests, auth_headers  # noqa: E402
from hoks_shared.topics import MEETING_OUTCOMES, TopicNaming  # noqa: E402
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize  # noqa: E402
from hoks_sisfeed.publishing import publish_records  # noqa: E402
from hoks_sisfeed.records import feed_record  # noqa: E402
from reporting_replay import drop_topics  # noqa: E402  (bench/ is the script's directory)

CHUNK = 50
YEAR = "2026-2027"
AS_OF = date(2026, 11, 28)
MONTHS = [f"{y}-{m:02d}" for y in (2025, 2026, 2027) for m in range(1, 13)]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def line(name: str, ms: list[float]) -> str:
    return (f"  {name:<58} n={len(ms):>5}  p50={pct(ms, .5):8.2f} ms  p99={pct(ms, .99):8.2f} ms  "
            f"mean={statistics.fmean(ms):8.2f} ms")


# -- part 1: national-size documents ---------------------------------------------------------
def teacher_oid(n: int) -> str:
    return f"1.2.246.562.24.8{n:010d}"


def student_oid(n: int) -> str:
    return f"1.2.246.562.24.7{n:010d}"


def synthetic_docs(students: int, seed: int) -> tuple[list[dict[str, Any]], list[str], list[dict[str, Any]]]:
    """Report documents (T, U, I, G) for ``students`` students, and raw rows for the baseline."""
    rng = random.Random(seed)
    teachers = max(1, students // 20)
    per_unit = 25
    docs: list[dict[str, Any]] = []
    units: dict[str, dict[str, dict[str, Contribution]]] = {}
    raw: list[dict[str, Any]] = []
    s = 0
    for t in range(teachers):
        unit = f"unit-{t // per_unit:05d}"
        teacher = teacher_oid(t)
        group = f"G{t:06d}"
        periods: dict[str, dict[str, Contribution]] = {}
        for i in range(20):
            oid = student_oid(s)
            s += 1
            now = {"students": 1, f"hoks:{rng.choice(MONTHS[:23])}": 1}
            if rng.random() < 0.3:
                now[f"end:{rng.choice(MONTHS[18:])}"] = 1
            if rng.random() < 0.1:
                now[f"absence:{YEAR}"] = 1
            if rng.random() < 0.15:
                now[f"ref:{YEAR}:{rng.choice(['counselor', 'special-needs-teacher', 'curator'])}:"
                    f"{rng.choice(['open', 'overdue', 'closed'])}"] = 1
            tid = keys.teacher(unit, keys.NOW, teacher)
            periods.setdefault(tid, {})[f"s:{oid}"] = Contribution(tid, f"s:{oid}", now, group)
            for r in range(1, 6):
                flags = {"students_checked": 1, "hoks_checked": 1, "measures_taken": int(rng.random() > .1),
                         "committed": int(rng.random() > .1), "progressing": int(rng.random() > .2),
                         "hoks_update_needed": int(rng.random() < .2)}
                rid = keys.teacher(unit, keys.round_period(YEAR, r), teacher)
                periods.setdefault(rid, {})[f"s:{oid}"] = Contribution(rid, f"s:{oid}",
                                                                      {k: v for k, v in flags.items() if v}, group)
                if r == 1:
                    raw.append({"_id": f"{YEAR}|{r}|{oid}", "unit_id": unit, "academic_year": YEAR, "round": r,
                                "teacher": teacher, **flags})
        yid = keys.teacher(unit, keys.year_period(YEAR), teacher)
        periods[yid] = {f"m:{group}-r{r}": Contribution(yid, f"m:{group}-r{r}", {"group_meetings_planned": 1,
                                                                                "group_meetings_held": int(r <= 2)},
                                                         group) for r in range(1, 6)}
        for agg_id, members in periods.items():
            doc = rollup.with_members(None, agg_id, members)
            docs.append(doc)
            parent_id, member = keys.parent_of(agg_id)  # type: ignore[misc]
            units.setdefault(parent_id, {})[member] = Contribution(parent_id, member, doc["totals"])
    level2: dict[str, dict[str, Contribution]] = {}
    for unit_id, members in units.items():
        doc = rollup.with_members(None, unit_id, members)
        docs.append(doc)
        parent_id, member = keys.parent_of(unit_id)  # type: ignore[misc]
        level2.setdefault(parent_id, {})[member] = Contribution(parent_id, member,
                                                                keys.carried_up(parent_id, doc["totals"]))
    docs += [rollup.with_members(None, agg_id, members) for agg_id, members in level2.items()]
    unit_ids = sorted({u.split("|")[1] for u in units})
    return docs, unit_ids, raw


async def insert_all(coll: Any, docs: list[dict[str, Any]], concurrency: int = 4) -> float:
    started = time.perf_counter()
    gate = asyncio.Semaphore(concurrency)

    async def chunk(part: list[dict[str, Any]]) -> None:
        async with gate:
            await coll.insert_many(part, ordered=False)

    await asyncio.gather(*(chunk(docs[i:i + CHUNK]) for i in range(0, len(docs), CHUNK)))
    return time.perf_counter() - started


async def part_queries(mongodb_url: str, students: int, baseline_rows: int, samples: int) -> None:
    print(f"\n1. Query latency with {students:,} students (synthetic report documents)")
    t0 = time.perf_counter()
    docs, units, raw = synthetic_docs(students, seed=1)
    raw = raw[:baseline_rows]
    print(f"  built {len(docs):,} report documents for {len(units):,} units in {time.perf_counter() - t0:.1f} s")
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    db = client[f"bench_reporting_{uuid.uuid4().hex[:8]}"]
    try:
        for name in (AGGREGATES, "raw_rows"):
            await db[name].insert_one({"_id": "warm-up"})
            await db[name].delete_one({"_id": "warm-up"})
        await asyncio.sleep(2.5)  # the embedded FerretDB adds its _id expression index within 2 s
        took = await insert_all(db[AGGREGATES], [pack(d) for d in docs])
        print(f"  wrote them in {took:.1f} s ({len(docs) / took:,.0f} docs/s)")
        took = await insert_all(db["raw_rows"], raw)
        raw_units = sorted({r["unit_id"] for r in raw})
        print(f"  baseline: wrote {len(raw):,} raw rows (round 1; {len(raw_units):,} units) in {took:.1f} s")
        rng = random.Random(2)
        read = ReadDeps(MongoReportStore(db))
        report_ms = []
        for _ in range(samples):
            unit = rng.choice(units)
            t = time.perf_counter()
            report = await reads.unit_report(reads.UnitPeriod(unit, YEAR, rng.randint(1, 5), AS_OF), read)
            report_ms.append(1000 * (time.perf_counter() - t))
            assert len(report["teachers"]) > 0
        detail_ms = []
        for _ in range(samples):
            unit = rng.choice(units)
            teacher = teacher_oid(int(unit[5:]) * 25 + rng.randint(0, 4))
            t = time.perf_counter()
            await reads.teacher_detail(reads.TeacherPeriod(unit, teacher, YEAR, 1, AS_OF), read)
            detail_ms.append(1000 * (time.perf_counter() - t))
        deps = ReportDeps(MongoReportStore(db), NameLookup(db))
        app = app_for_tests([build_api_router(deps)])
        http_ms = []
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://bench") as http:
            headers = auth_headers(Role.DIRECTOR)
            for _ in range(samples):
                unit = rng.choice(units)
                t = time.perf_counter()
                r = await http.get(f"/reports/units/{unit}?year={YEAR}&round=1&as_of={AS_OF}", headers=headers)
                http_ms.append(1000 * (time.perf_counter() - t))
                assert r.status_code == 200, r.text
        base_ms = []
        for _ in range(max(3, samples // 50)):
            unit = rng.choice(raw_units)
            t = time.perf_counter()
            rows = await db["raw_rows"].aggregate([
                {"$match": {"unit_id": unit, "academic_year": YEAR, "round": 1}},
                {"$group": {"_id": "$teacher", "students_checked": {"$sum": 1},
                            **{k: {"$sum": f"${k}"} for k in ("hoks_checked", "measures_taken", "committed",
                                                             "progressing", "hoks_update_needed")}}},
            ])
            result = await rows.to_list()
            base_ms.append(1000 * (time.perf_counter() - t))
            assert result
        print(line("report: unit per-teacher table (3 reads by _id)", report_ms))
        print(line("report: teacher drill-down (3 reads by _id)", detail_ms))
        print(line("report: HTTP GET /reports/units/{unit} (auth, names, JSON)", http_ms))
        print(line(f"baseline: $match+$group over {len(raw):,} raw rows", base_ms))
    finally:
        await client.drop_database(db.name)
        await client.close()


# -- part 2: event → report latency ----------------------------------------------------------
def checklist(n: int, unit: str, rows: int) -> meetings.ChecklistCompleted:
    teacher = teacher_oid(900_000 + n % 400)
    at = datetime(2026, 9, 14, tzinfo=UTC) + timedelta(minutes=n)
    return meetings.ChecklistCompleted(
        meeting_id=f"bench-{n}", kind="group", unit_id=unit, group_id=f"BG{n % 400}", academic_year=YEAR,
        round=1 + n // 400 % 5, theme="study-progress", responsible_teacher_oid=teacher,
        counselor_oid=teacher_oid(990_000 + n % 16), completed_by_oid=teacher_oid(990_000 + n % 16),
        completed_at=at, rows=[{"student_oid": student_oid(900_000 + (n % 400) * rows + i), "hoks_checked": True,
                                "measures_taken": True, "committed": i % 7 != 0, "progressing": i % 5 != 0,
                                "outcome": "no-action"} for i in range(rows)])


async def steady(naming: TopicNaming, kafka: KafkaSettings, rate: float, seconds: float, start: int,
                 group_size: int) -> int:
    """Publish checklists at ``rate``/s; each carries its send time as ``ce_time``."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all", enable_idempotence=True)
    await producer.start()
    sent = 0
    try:
        began = time.monotonic()
        while time.monotonic() - began < seconds:
            event = checklist(start + sent, "bench-unit", group_size)
            meta = envelope_for(event, source="/bench")
            await producer.send_and_wait(naming.name(MEETING_OUTCOMES), event.model_dump_json().encode(),
                                         key=event.partition_key().encode(),
                                         headers=[(k, v.encode()) for k, v in meta.to_headers().items()])
            sent += 1
            await asyncio.sleep(max(0.0, began + sent / rate - time.monotonic()))
    finally:
        await producer.stop()
    return sent


async def part_latency(bootstrap: str, mongodb_url: str, args: argparse.Namespace, report: ReportSettings,
                       variant: str) -> dict[str, tuple[float, float, float]]:
    """Parts 2 and 3 (one run); (p50, p99, SIS events/s) by phase."""
    results: dict[str, tuple[float, float, float]] = {}
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    naming = TopicNaming(prefix)
    await ensure_topics(bootstrap, naming)
    kafka = KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix)
    settings = ServiceSettings(service_name="reporting", kafka=kafka,
                               mongo=MongoSettings(url=mongodb_url, database=f"bench_rep_{uuid.uuid4().hex[:8]}"))
    app, runtime = build(settings, report)
    latencies: list[float] = []
    counted: dict[str, int] = {}
    original = runtime.metrics.observe_applied

    def observe(event_type: str, result: str, event_time: datetime) -> None:
        original(event_type, result, event_time)
        counted[event_type] = counted.get(event_type, 0) + 1
        if event_type == "checklist-completed":
            latencies.append(1000 * (datetime.now(UTC) - event_time).total_seconds())

    runtime.metrics.observe_applied = observe  # type: ignore[method-assign]
    await app.start()
    try:
        print(f"\n2. Event → report latency, {variant} (checklist-completed with {args.group_size} rows at "
              f"{args.rate}/s; load average {open('/proc/loadavg').read().split()[0]})")
        await steady(naming, kafka, 5, 3, 0, args.group_size)  # warm-up
        while len(latencies) < 15:
            await asyncio.sleep(0.2)
        latencies.clear()
        sent = await steady(naming, kafka, args.rate, args.seconds, 1000, args.group_size)
        deadline = time.monotonic() + 60
        while len(latencies) < sent and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        print(line("steady load", latencies))
        results["steady load"] = (pct(latencies, .5), pct(latencies, .99), 0.0)
        steady_ms = list(latencies)

        demo = DemoInstitution(DemoSize.scaled(args.resync_students, seed=3, as_of=AS_OF))
        feed = [feed_record(e, naming) for e in demo.events()]
        sis_types = ("sis-student", "sis-hoks", "sis-study-right", "sis-absence")
        wanted = sum(1 for r in feed if r.value["event_type"] in sis_types)
        for n, label in enumerate(("during the initial SIS load (a fresh service: every student new)",
                                   "during a full SIS resync (the same feed again)")):
            latencies.clear()
            before = sum(counted.get(t, 0) for t in sis_types)
            started = time.monotonic()

            async def sis_done(before: int = before, started: float = started) -> float:
                while sum(counted.get(t, 0) for t in sis_types) - before < wanted:
                    await asyncio.sleep(0.1)
                return time.monotonic() - started

            watcher = asyncio.create_task(sis_done())
            publishing = asyncio.create_task(publish_records(iter(feed), kafka))
            sent = await steady(naming, kafka, args.rate, args.seconds, 100_000 * (n + 1), args.group_size)
            await publishing
            deadline = time.monotonic() + 600
            while len(latencies) < sent and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            took = await asyncio.wait_for(watcher, timeout=600)
            print(line(label, latencies))
            results[label.split(" (")[0]] = (pct(latencies, .5), pct(latencies, .99), wanted / took)
            print(f"    {len(feed):,} SIS records published at once; the {wanted:,} the report reads were applied "
                  f"in {took:.1f} s ({wanted / took:,.0f} events/s) beside the steady load")
        del steady_ms
    finally:
        await app.stop()

    print("\n3. Replay (hoks-reporting replay --verify) over everything published above")
    lines: list[str] = []
    code = await run_replay(settings, ReportSettings(), verify=True, say=lines.append)
    for text in lines:
        print("  " + text)
    print(f"  exit code {code}")
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_url)
    await client.drop_database(settings.mongo.database)
    await client.close()
    await drop_topics(bootstrap, prefix)
    return results


async def main(args: argparse.Namespace, bootstrap: str, mongodb_url: str) -> None:
    print(f"reporting benchmark — Kafka {bootstrap}, FerretDB {mongodb_url}, {os.cpu_count()} cores")
    if not args.skip_queries:
        await part_queries(mongodb_url, args.students, args.baseline_rows or args.students, args.samples)
    if not args.skip_latency:
        runs = [await part_latency(bootstrap, mongodb_url, args, ReportSettings(), f"run {n + 1}")
                for n in range(args.repeats)]
        print(f"\nEvent → report latency, medians of {args.repeats} run(s) (load average now "
              f"{open('/proc/loadavg').read().split()[0]}); the steady load alone is the baseline")
        print("| phase | p50 ms | p99 ms | p99 ÷ steady p99 | SIS events/s |")
        print("| --- | --- | --- | --- | --- |")
        steady_p99 = statistics.median(r["steady load"][1] for r in runs)
        for phase in runs[0]:
            p50, p99, rate = (statistics.median(r[phase][i] for r in runs) for i in range(3))
            print(f"| {phase} | {p50:,.0f} | {p99:,.0f} | {p99 / steady_p99:.1f} | {f'{rate:,.0f}' if rate else ''} |")


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=350_000, help="students of the synthetic national data")
    parser.add_argument("--baseline-rows", type=int, default=None, help="raw rows of the baseline (default: all)")
    parser.add_argument("--samples", type=int, default=300, help="queries per measurement")
    parser.add_argument("--rate", type=float, default=10.0, help="checklists per second in the steady load")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each load phase")
    parser.add_argument("--group-size", type=int, default=20)
    parser.add_argument("--resync-students", type=int, default=4_220, help="demo institution size of the resync")
    parser.add_argument("--skip-queries", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--repeats", type=int, default=1, help="runs of the latency parts (per configuration)")
    from bench_cli import run_on_embedded_stack

    run_on_embedded_stack(main, parser.parse_args())


if __name__ == "__main__":
    cli()
