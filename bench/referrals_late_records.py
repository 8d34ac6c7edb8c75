"""Valpas tasks when the study-right events come before the students' SIS records (the worst order
the SIS topics can arrive in), on the real document store.

The demo institution's staff go into the SIS view; then every ``sis-study-right`` event goes
through ``make_valpas_task`` with no student known (every compulsory-education task waits,
unpublished, in no unit); then the student records arrive in batches of 2,000, each batch
followed by what the service's SIS consumer does after it: ``reroute_waiting`` for the batch's
students. Printed: tasks waiting before and after, published ``referral-made`` events, and the
cost of the re-routing per batch. Baseline in the same run: the previous behaviour, where a task
routed nowhere at creation stayed so (counted, not re-run).

Run: ``.venv/bin/python bench/referrals_late_records.py [--students 4220]`` (infra up).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from datetime import UTC, datetime

from pymongo import AsyncMongoClient

from hoks_referrals import handlers
from hoks_referrals.adapters.repository import REFERRALS, MongoReferralRepository
from hoks_referrals.adapters.routing_config import load_routing
from hoks_referrals.adapters.staff_directory import SisStaffDirectory
from hoks_shared.contracts.sis import StaffUpserted, StudentUpserted, StudyRightStatus
from hoks_shared.sisviews.projection import SisViews
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize
from hoks_shared.messaging.publishing import EventPublisher
from hoks_shared.store.outbox_writes import Outbox
from hoks_shared.topics import TopicNaming

BATCH = 2000


def bench_outbox(db):  # noqa: ANN001, ANN201 - the service's outbox entries, no relay (nothing is published)
    return Outbox(db[REFERRALS], EventPublisher(None, TopicNaming(""), "/bench").outgoing_entry, None)  # type: ignore[arg-type]


async def main(students: int) -> None:
    size = DemoSize.scaled(students) if students else DemoSize()
    events = list(DemoInstitution(size).events())
    rights = [e for e in events if isinstance(e, StudyRightStatus)]
    staff = [e for e in events if isinstance(e, StaffUpserted)]
    records = [e for e in events if isinstance(e, StudentUpserted)]
    now = datetime.combine(size.as_of, datetime.min.time(), tzinfo=UTC).replace(hour=9)
    client = AsyncMongoClient(os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017/"))
    db = client[f"bench_late_{uuid.uuid4().hex[:8]}"]
    try:
        views = SisViews(db)
        await views.ensure_indexes()
        await views.apply(staff)
        repo = MongoReferralRepository(db, bench_outbox(db))
        await repo.ensure_indexes()
        await asyncio.sleep(2.5)  # the embedded FerretDB adds its _id expression index within 2 s
        deps = handlers.Deps(referrals=repo, directory=SisStaffDirectory(db), routing=load_routing(),
                             clock=handlers.Clock(now))
        created = []
        for i in range(0, len(rights), BATCH):
            created += [t for e in rights[i:i + BATCH] if (t := await handlers.make_valpas_task(e, deps))]
        waiting_before = len(await repo.waiting_for_routing())
        made_before = await db.referrals.count_documents({"_outbox.0": {"$exists": True}})

        costs, routed = [], 0
        for i in range(0, len(records), BATCH):
            batch = records[i:i + BATCH]
            await views.apply(batch)
            start = time.perf_counter()
            routed += len(await handlers.reroute_waiting(
                handlers.RerouteWaiting(student_oids=frozenset(e.student_oid for e in batch)), deps))
            costs.append(time.perf_counter() - start)
        waiting_after = await repo.waiting_for_routing()
        units = {r.unit_id for r in await repo.all()}
        made_after = await db.referrals.count_documents({"_outbox.0": {"$exists": True}})
        print(f"students: {len(records):,}, study-right events: {len(rights):,}, Valpas tasks: {len(created)}")
        print("| | baseline (routed once, at creation) | service (routed again as records arrive) |")
        print("| --- | ---: | ---: |")
        print(f"| tasks without an assignee after all records | {waiting_before} | {len(waiting_after)} |")
        print(f"| tasks in unit `unassigned` | {waiting_before} | {sum(1 for r in waiting_after if not r.unit_known)} |")
        print(f"| `referral-made` staged | {made_before} before the records | {made_after} |")
        print(f"| routed when their record arrived | — | {routed} |")
        print(f"| re-routing after a batch of {BATCH:,} records | — | median {statistics.median(costs) * 1000:.0f} ms,"
              f" max {max(costs) * 1000:.0f} ms ({len(costs)} batches) |")
        print(f"units of the tasks: {len(units)}")
    finally:
        await client.drop_database(db.name)
        await client.close()


if __name__ == "__main__":
    from bench_cli import run_for_students

    run_for_students(__doc__, main)
