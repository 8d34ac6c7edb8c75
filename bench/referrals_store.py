"""Referrals on the real document store: what the repository's choices cost as the collection grows.

For N referrals it measures, in one run on the same data:
* ``all()`` (a director's "all" view) against a baseline of a raw ``find({})`` into a list (no
  model conversion);
* one SLA pass (``mark_overdue`` over the open referrals, nothing due) and one specialist's
  inbox, both through the pre-aggregated open-referral index and reads by ``_id``;
* the index repair (``reconcile_open_index``: a scan), which also builds the index here because
  the bench inserts its referrals directly;
* one lifecycle change (``save``: a version-guarded ``update_one``, which FerretDB 1.24 answers
  with a scan) against a baseline ``update_one({_id})`` of the same change (no guard).

Run: ``.venv/bin/python bench/referrals_store.py [--sizes 500 2000 5000]`` (infra up).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

from pymongo import AsyncMongoClient

from hoks_referrals import handlers
from hoks_referrals.adapters.referral_lists import load, select
from hoks_referrals.adapters.repository import REFERRALS, MongoReferralRepository, to_doc
from hoks_referrals.adapters.routing_config import load_routing
from hoks_referrals.domain.referral import Referral
from hoks_referrals.adapters.staff_directory import SisStaffDirectory
from hoks_shared.auth import Principal, Role
from hoks_shared.messaging.publishing import EventPublisher
from hoks_shared.store.outbox_writes import Outbox
from hoks_shared.topics import TopicNaming

TARGETS = ["special-needs-teacher", "curator", "counselor", "career-services", "student-meeting"]


def bench_outbox(db):  # noqa: ANN001, ANN201 - the service's outbox entries, no relay (nothing is published)
    return Outbox(db[REFERRALS], EventPublisher(None, TopicNaming(""), "/bench").outgoing_entry, None)  # type: ignore[arg-type]


def referral(i: int) -> Referral:
    """Four in five are closed (closed referrals accumulate; the open ones are the working set)."""
    r = Referral(
        referral_id=f"ref-bench-{i:07d}", student_oid=f"1.2.246.562.24.{30000000000 + i}", unit_id=f"unit-{i % 8}",
        target=TARGETS[i % len(TARGETS)], reason_code="study-skills", made_by_oid="1.2.246.562.24.20000000001",
        made_at=datetime(2026, 11, 2, 9, tzinfo=UTC), origin="group-meeting", origin_meeting_id="mtg-1",
        acknowledge_by=date(2027, 1, 29), assignee_oid=f"1.2.246.562.24.{20000000100 + i % 40}")
    if i % 5:
        at = datetime(2026, 11, 3, 9, tzinfo=UTC)
        r = r.accept(r.assignee_oid, at).close("support-arranged", r.assignee_oid, at)
    return r


async def timed(fn, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def one_size(client: AsyncMongoClient, n: int) -> dict[str, float]:
    db = client[f"bench_referrals_{uuid.uuid4().hex[:8]}"]
    try:
        repo = MongoReferralRepository(db, bench_outbox(db))
        await repo.ensure_indexes()
        docs = [{"_id": r.referral_id, **to_doc(r), "_outbox": []}
                for r in map(referral, range(n))]
        for start in range(0, n, 50):  # FerretDB: at most 50 statements per write command
            await db.referrals.insert_many(docs[start:start + 50])
        await asyncio.sleep(2.5)  # the embedded FerretDB adds its _id expression index within 2 s
        start = time.perf_counter()  # the bulk insert bypassed the open-referral index: repair builds it
        added, _ = await repo.reconcile_open_index()
        reconcile = time.perf_counter() - start
        assert added == len([d for d in docs if d["status"] == "made"]), added
        deps = handlers.Deps(referrals=repo, directory=SisStaffDirectory(db), routing=load_routing(),
                             clock=handlers.Clock(datetime(2026, 11, 30, 9, tzinfo=UTC)))
        specialist = Principal(subject="s", roles=frozenset({Role.SPECIAL_NEEDS_TEACHER}),
                               staff_oid="1.2.246.562.24.20000000100", unit_ids=frozenset({"unit-0"}))

        async def raw() -> None:
            [d async for d in db.referrals.find({}, {"_outbox": 0})]

        async def inbox() -> None:
            select(await load(repo, specialist, "inbox"), specialist, "inbox")

        out = {
            "reconcile": reconcile,
            "raw_find": await timed(raw),
            "all": await timed(repo.all),
            "sla_pass": await timed(lambda: handlers.mark_overdue(handlers.MarkOverdue(), deps)),
            "inbox": await timed(inbox),
        }
        guarded, plain = [], []
        for i in range(0, min(n, 200), 10):  # i % 5 == 0: the open ones
            current = await repo.get(f"ref-bench-{i:07d}")
            changed = current.accept("1.2.246.562.24.20000000100", datetime.now(UTC))
            start = time.perf_counter()
            assert await repo.save(changed, [])
            guarded.append(time.perf_counter() - start)
            undo = replace(changed, version=changed.version + 1)
            start = time.perf_counter()
            await db.referrals.update_one({"_id": undo.referral_id}, {"$set": to_doc(undo)})
            plain.append(time.perf_counter() - start)
        out["save_guarded"] = statistics.median(guarded)
        out["save_by_id"] = statistics.median(plain)
        return out
    finally:
        await client.drop_database(db.name)


async def main(sizes: list[int]) -> None:
    client = AsyncMongoClient(os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017/"))
    print("| referrals (1 in 5 open) | raw find (baseline) | all() | SLA pass | inbox | index repair (scan) | "
          "save, version-guarded | update by _id (baseline) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    try:
        for n in sizes:
            r = await one_size(client, n)
            print(f"| {n:,} | {r['raw_find'] * 1000:.0f} ms | {r['all'] * 1000:.0f} ms | {r['sla_pass'] * 1000:.0f} ms"
                  f" | {r['inbox'] * 1000:.0f} ms | {r['reconcile'] * 1000:.0f} ms"
                  f" | {r['save_guarded'] * 1000:.1f} ms | {r['save_by_id'] * 1000:.1f} ms |", flush=True)
    finally:
        await client.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000])
    asyncio.run(main(parser.parse_args().sizes))
