"""Benchmark: what the consumer-lag collector costs per collection, on the real broker.

Each service's collector runs every 15 s in the background. Measured in the same run, per
service (its real consumer groups and topics, read from its subscribers):

* baseline: one bare Kafka admin round trip (``describe_topics`` of the same topics), the least
  any collection must do;
* collector: ``ConsumerLagCollector.collect()`` (describe topics, beginning and end offsets,
  committed offsets of every group, gauge update) on connected clients, and the first collection
  (connecting included).

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 .venv/bin/python bench/consumer_lag.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import statistics
import time

from aiokafka.admin import AIOKafkaAdminClient

from hoks_shared.metrics import ServiceMetrics
from hoks_shared.runtime.consumer_lag import ConsumerLagCollector, subscribed_groups
from hoks_shared.settings import KafkaSettings, ServiceSettings

SERVICES = ("scheduler", "meetings", "referrals", "reporting")


def ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{statistics.median(ordered) * 1000:7.1f} {p95 * 1000:7.1f}"


async def bench_service(service: str, kafka: KafkaSettings, rounds: int) -> str:
    main = importlib.import_module(f"hoks_{service}.main")
    _app, runtime = main.build(ServiceSettings(service_name=service, kafka=kafka))
    groups = subscribed_groups(runtime.broker)
    topics = sorted({t for ts in groups.values() for t in ts})
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    baseline = []
    for _ in range(rounds):
        t = time.perf_counter()
        await admin.describe_topics(topics)
        baseline.append(time.perf_counter() - t)
    await admin.close()
    collector = ConsumerLagCollector(kafka, groups, ServiceMetrics(service))
    t = time.perf_counter()
    table = await collector.collect()
    first = time.perf_counter() - t
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        await collector.collect()
        samples.append(time.perf_counter() - t)
    await collector.close()
    await runtime.mongo.close()
    return (f"{service:10} {len(groups):6} {len(table):10} {ms(baseline)} {ms(samples)} {first * 1000:8.0f}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    kafka = KafkaSettings()
    print(f"consumer-lag collection on {kafka.bootstrap_servers}, {args.rounds} rounds per service")
    print(f"{'service':10} {'groups':>6} {'partitions':>10} {'baseline ms':>15} {'collect ms':>15} {'first ms':>8}")
    print(f"{'':10} {'':6} {'':10} {'median':>7} {'p95':>7} {'median':>7} {'p95':>7}")
    for service in SERVICES:
        print(await bench_service(service, kafka, args.rounds))


if __name__ == "__main__":
    asyncio.run(main())
