"""Valpas tasks from the demo institution's study-right feed, on the real document store.

The SIS views (staff, students) are filled first; then every ``sis-study-right`` event of the demo
institution goes through ``make_valpas_task`` one after another (as the service's ``-valpas``
consumer applies each record of its batches) with the real repository, routing and open-referral
index. Baseline in
the same run: the least store work the same result needs — for each interrupted or resigned
study right, one read of the student and one ``insert_one`` per task, nothing else (no routing,
no idempotency check, no outbox, no index).

Run: ``.venv/bin/python bench/referrals_valpas.py [--students 4220]`` (infra up).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import UTC, datetime

from pymongo import AsyncMongoClient

from hoks_referrals import handlers
from hoks_referrals.adapters.repository import REFERRALS, MongoReferralRepository, to_doc
from hoks_referrals.adapters.routing_config import load_routing
from hoks_referrals.adapters.staff_directory import SisStaffDirectory
from hoks_referrals.domain.valpas import valpas_task, worth_a_look
from hoks_shared.contracts.sis import StaffUpserted, StudentUpserted, StudyRightStatus
from hoks_shared.sisviews.projection import SisViews
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize
from hoks_shared.messaging.publishing import EventPublisher
from hoks_shared.store.outbox_writes import Outbox
from hoks_shared.topics import TopicNaming


def bench_outbox(db):  # noqa: ANN001, ANN201 - the service's outbox entries, no relay (nothing is published)
    return Outbox(db[REFERRALS], EventPublisher(None, TopicNaming(""), "/bench").outgoing_entry, None)  # type: ignore[arg-type]


async def main(students: int) -> None:
    size = DemoSize.scaled(students) if students else DemoSize()
    events = list(DemoInstitution(size).events())
    rights = [e for e in events if isinstance(e, StudyRightStatus)]
    sis = [e for e in events if isinstance(e, StaffUpserted | StudentUpserted)]
    now = datetime.combine(size.as_of, datetime.min.time(), tzinfo=UTC).replace(hour=9)
    client = AsyncMongoClient(os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017/"))
    db = client[f"bench_valpas_{uuid.uuid4().hex[:8]}"]
    try:
        views = SisViews(db)
        await views.ensure_indexes()
        for start in range(0, len(sis), 5000):
            await views.apply(sis[start:start + 5000])
        repo = MongoReferralRepository(db, bench_outbox(db))
        await repo.ensure_indexes()
        await asyncio.sleep(2.5)  # the embedded FerretDB adds its _id expression index within 2 s
        deps = handlers.Deps(referrals=repo, directory=SisStaffDirectory(db), routing=load_routing(),
                             clock=handlers.Clock(now))
        start = time.perf_counter()
        created = []
        for i in range(0, len(rights), 2000):
            created += [t for e in rights[i:i + 2000] if (t := await handlers.make_valpas_task(e, deps))]
        service = time.perf_counter() - start
        again = time.perf_counter()
        repeat = sum([1 for e in rights if await handlers.make_valpas_task(e, deps)])
        replay = time.perf_counter() - again

        baseline_db = db.client[db.name + "_base"]
        directory = SisStaffDirectory(db)
        start = time.perf_counter()
        for right in (handlers.study_right(e) for e in rights):
            if not worth_a_look(right, size.as_of):
                continue
            task = valpas_task(right, await directory.student(right.student_oid), today=size.as_of, now=now,
                               provider_oid=handlers.DEFAULT_PROVIDER_OID)
            if task is not None:
                await baseline_db.referrals.insert_one({"_id": task.referral_id, **to_doc(task)})
        baseline = time.perf_counter() - start
        await client.drop_database(baseline_db.name)

        assigned = sum(1 for r in await repo.all() if r.assignee_oid)
        print(f"students: {students or 'default'}, study-right events: {len(rights):,}, Valpas tasks: {len(created)}"
              f" ({assigned} routed to a counselor), replay created: {repeat}")
        print("| run | time | tasks/s |")
        print("| --- | ---: | ---: |")
        print(f"| baseline: one insert per task | {baseline:.2f} s | {len(created) / baseline:.0f} |")
        print(f"| service: make_valpas_task per event | {service:.2f} s | {len(created) / service:.0f} |")
        print(f"| service, replay of the same feed | {replay:.2f} s | — |")
    finally:
        await client.drop_database(db.name)
        await client.close()


if __name__ == "__main__":
    from bench_cli import run_for_students

    run_for_students(__doc__, main)
