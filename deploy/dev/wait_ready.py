"""Local run only: wait until the demo institution and its year's plan are in every service,
printing the progress ("data arriving: ...") meanwhile; print "ready" only then.

A service has the institution when its SIS student and staff views hold every demo student and
person; it has the plan when the meetings and reporting services have taken in every meeting the
scheduler planned (their consumer groups have nothing left on the meeting-schedule topic), and
every service's consumer groups have nothing left to read on the SIS topics.

    python deploy/dev/wait_ready.py [--wait SECONDS] [--students N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass
from datetime import date

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from hoks_shared.settings import KafkaSettings, MongoSettings
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize

SERVICES = ("scheduler", "meetings", "referrals", "reporting")


@dataclass(frozen=True)
class Snapshot:
    """What each service holds now, and what Kafka still has for it."""

    students: dict[str, int]
    staff: dict[str, int]
    planned: int
    pending: dict[str, int]

    def ready(self, expected_students: int, expected_staff: int) -> bool:
        return (all(n >= expected_students for n in self.students.values())
                and all(n >= expected_staff for n in self.staff.values())
                and self.planned > 0 and not any(self.pending.values()))

    def line(self, expected_students: int) -> str:
        per_service = ", ".join(f"{s} {_n(self.students.get(s, 0))}/{_n(expected_students)}" for s in SERVICES)
        return (f"data arriving: students {per_service}; {_n(self.planned)} meetings planned; "
                f"{_n(sum(self.pending.values()))} events still to read")


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


async def pending_per_service(kafka: KafkaSettings) -> dict[str, int]:
    """Messages not yet committed, per service, over every group of the service (by name)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        out = {s: 0 for s in SERVICES}
        groups = [g[0] for g in await admin.list_consumer_groups()]
        for group in groups:
            service = next((s for s in SERVICES if group == f"{kafka.topic_prefix}hoks-{s}"
                            or group.startswith(f"{kafka.topic_prefix}hoks-{s}-")), None)
            if service is None:
                continue
            committed = await admin.list_consumer_group_offsets(group)
            tps = [tp for tp in committed if tp.topic.startswith(f"{kafka.topic_prefix}hoks.")]
            if not tps:
                out[service] += 1  # a group with nothing committed yet is not done
                continue
            ends = await consumer.end_offsets(tps)
            out[service] += sum(max(0, ends[tp] - committed[TopicPartition(tp.topic, tp.partition)].offset)
                                for tp in tps)
        return out
    finally:
        await consumer.stop()
        await admin.close()


async def snapshot(client: AsyncMongoClient, kafka: KafkaSettings) -> Snapshot:
    students, staff = {}, {}
    for s in SERVICES:
        db = client[f"hoks_{s}"]
        students[s] = await db["sis_students"].estimated_document_count()
        staff[s] = await db["sis_staff"].estimated_document_count()
    planned = await client["hoks_scheduler"]["meetings"].estimated_document_count()
    return Snapshot(students, staff, planned, await pending_per_service(kafka))


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wait", type=float, default=600)
    parser.add_argument("--every", type=float, default=3)
    parser.add_argument("--students", type=int, help="the demo's size, as given to hoks-sis demo")
    args = parser.parse_args()
    today = date.today()
    size = DemoSize(as_of=today) if args.students is None else DemoSize.scaled(args.students, as_of=today)
    institution = DemoInstitution(size)
    n_students, n_staff = size.students, len(institution.staff)
    kafka = KafkaSettings()
    client: AsyncMongoClient = AsyncMongoClient(MongoSettings().url, tz_aware=True)
    deadline = time.monotonic() + args.wait
    try:
        while True:
            now = await snapshot(client, kafka)
            if now.ready(n_students, n_staff):
                print(f"ready: the demo institution ({n_students:,} students, {len(institution.groups):,} groups, "
                      f"{n_staff:,} staff) and its plan ({now.planned:,} meetings) are in every service", flush=True)
                return 0
            print(now.line(n_students), flush=True)
            if time.monotonic() > deadline:
                print("not ready: the pages show what has arrived and say that data is still arriving",
                      file=sys.stderr)
                return 1
            await asyncio.sleep(args.every)
    finally:
        await client.close()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
