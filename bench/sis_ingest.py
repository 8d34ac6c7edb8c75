"""Benchmark: full-resync ingestion of the demo SIS feed into a service view, on the real stack.

Publishes the demo institution's feed to fresh topics, then measures in the same run:

* baseline: raw aiokafka consumption + raw PyMongo bulk upserts (one ``$set`` upsert per event,
  filtered by ``_id``, in bulk writes of 50) into a fresh database;
* service: the meetings service's real SIS subscriber (FastStream batch consumer, validation,
  dead-letter handling, version checks, ``SisViews``) into a fresh database.

Both read the same topics (the six the meetings service subscribes to) from the beginning.
Prints a table; machines here are noisy, so read the ratio more than the absolute numbers.

    .venv/bin/python bench/sis_ingest.py [--students N] [--seed S]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from datetime import date

from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient, UpdateOne

from hoks_meetings.main import SIS_TOPICS
from hoks_meetings.main import build as build_meetings
from hoks_devinfra.manager import Infra, ensure_topics
from hoks_shared.settings import KafkaSettings, MongoSettings, ServiceSettings
from hoks_shared.topics import TopicNaming
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize
from hoks_sisfeed.publishing import publish_records
from hoks_sisfeed.records import feed_record

CHUNK = 50  # FerretDB 1.24 deadlocks past ~100 statements in one write command


async def baseline(bootstrap: str, mongodb_url: str, topics: list[str], expected: int) -> float:
    client = AsyncMongoClient(mongodb_url)
    db = client[f"bench_baseline_{uuid.uuid4().hex[:8]}"]
    coll = db.sis_students
    await coll.insert_one({"_id": "warm-up"})
    await asyncio.sleep(2.5)  # same start as the service: collection exists, _id index in place
    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=f"bench-{uuid.uuid4().hex}",
                                auto_offset_reset="earliest", enable_auto_commit=False, max_poll_records=10000)
    started = time.monotonic()
    await consumer.start()
    seen = 0
    try:
        while seen < expected:
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
            if batch:
                await consumer.commit()
        return time.monotonic() - started
    finally:
        await consumer.stop()
        await client.drop_database(db.name)
        await client.close()


async def service(bootstrap: str, mongodb_url: str, prefix: str, expected: int) -> tuple[float, dict[str, float]]:
    settings = ServiceSettings(service_name="meetings",
                               kafka=KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix),
                               mongo=MongoSettings(url=mongodb_url, database=f"bench_service_{uuid.uuid4().hex[:8]}"))
    app, runtime = build_meetings(settings)
    started = time.monotonic()
    await app.start()
    try:
        while True:
            counts: dict[str, float] = {}
            done = 0.0
            for metric in runtime.metrics.registry.collect():
                if metric.name == "hoks_events_applied":
                    for sample in metric.samples:
                        if sample.name.endswith("_total"):
                            done += sample.value
                            counts[sample.labels["result"]] = counts.get(sample.labels["result"], 0) + sample.value
            if done >= expected:
                return time.monotonic() - started, counts
            await asyncio.sleep(0.1)
    finally:
        await runtime.mongo.drop_database(runtime.db.name)
        await app.stop()


async def main(args: argparse.Namespace, infra: Infra) -> None:
    bootstrap, mongodb_url = infra.cfg.kafka_bootstrap, infra.cfg.mongodb_url
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    naming = TopicNaming(prefix)
    await ensure_topics(bootstrap, naming)
    size = DemoSize(seed=args.seed, as_of=date(2026, 11, 28)) if args.students is None else \
        DemoSize.scaled(args.students, seed=args.seed, as_of=date(2026, 11, 28))
    institution = DemoInstitution(size)
    wanted = {t.events[0].EVENT_TYPE for t in SIS_TOPICS}
    expected = sum(1 for e in institution.events() if e.EVENT_TYPE in wanted)

    t0 = time.monotonic()
    published = await publish_records((feed_record(e, naming) for e in institution.events()),
                                      KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix))
    publish_s = time.monotonic() - t0

    topics = [naming.name(t) for t in SIS_TOPICS]
    base_s = await baseline(bootstrap, mongodb_url, topics, expected)
    service_s, counts = await service(bootstrap, mongodb_url, prefix, expected)

    rows = [
        ("students", f"{size.students:,}"),
        ("events published (all SIS topics)", f"{published:,} in {publish_s:.1f} s ({published / publish_s:,.0f}/s)"),
        ("events in the meetings service's topics", f"{expected:,}"),
        ("baseline: raw aiokafka + PyMongo upserts", f"{base_s:.1f} s  {expected / base_s:,.0f} events/s"),
        ("service: SIS subscriber into its view", f"{service_s:.1f} s  {expected / service_s:,.0f} events/s"),
        ("service / baseline throughput", f"{base_s / service_s:.2f}"),
        ("service results", ", ".join(f"{k} {v:,.0f}" for k, v in sorted(counts.items()) if v)),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"\nSIS full-resync ingestion benchmark (Kafka {bootstrap}, store {mongodb_url})")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, help="total students (default: the slides' institution, 4,220)")
    parser.add_argument("--seed", type=int, default=2026)
    infra = Infra()
    infra.up(say=lambda line: None)  # starts the embedded Kafka and FerretDB unless they run
    asyncio.run(main(parser.parse_args(), infra))
