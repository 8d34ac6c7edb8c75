"""A pre-aggregated index of the open referrals: a few documents read by ``_id``.

FerretDB 1.24 scans the whole collection for any filter other than ``{_id}`` (~0.5 ms per stored
referral here), and closed referrals pile up year after year while the working set — the open
ones — stays small. The inbox and the SLA pass therefore read these ``BUCKETS`` documents, pick the
ids they need and read those referrals by ``_id``.

The referral document stays the truth: the index is written after it (``$set`` / ``$unset`` of
one entry, by ``_id``), readers re-check every referral they load, so a stale entry (a crash between
the two writes) only costs one read, and ``reconcile`` (run by the SLA task every few minutes)
adds open referrals the index misses and drops entries of referrals no longer open, each after
re-reading that referral by ``_id``.
"""

from __future__ import annotations

import asyncio
import zlib
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from hoks_referrals.domain.referral import Referral
from hoks_shared.sisviews.projection import field_key

INDEX = "referral_index"
#: The index is spread over this many documents (by a hash of the referral id): FerretDB rewrites
#: a whole document on every update, so one document of every open referral made each write cost
#: grow with the number of open referrals (measured: ~50 ms per write at 1,000 open).
BUCKETS = 16


def bucket_of(referral_id: str) -> str:
    return f"open-{zlib.crc32(referral_id.encode()) % BUCKETS:02d}"


def entry_of(referral: Referral) -> dict[str, Any]:
    return {"id": referral.referral_id, "unit_id": referral.unit_id, "target": referral.target,
            "assignee_oid": referral.assignee_oid, "made_by_oid": referral.made_by_oid,
            "responsible_teacher_oid": referral.responsible_teacher_oid}


class OpenReferralIndex:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db[INDEX]

    async def note(self, referral: Referral) -> None:
        """Reflect the referral's current state (called after its own write)."""
        bucket = bucket_of(referral.referral_id)
        path = f"items.{field_key(referral.referral_id)}"
        if referral.is_open:
            await self.collection.update_one({"_id": bucket}, {"$set": {path: entry_of(referral)}}, upsert=True)
        else:
            await self.drop(referral.referral_id)

    async def drop(self, referral_id: str) -> None:
        await self.collection.update_one({"_id": bucket_of(referral_id)},
                                         {"$unset": {f"items.{field_key(referral_id)}": ""}})

    async def entries(self) -> list[dict[str, Any]]:
        docs = await asyncio.gather(*(self.collection.find_one({"_id": f"open-{i:02d}"}) for i in range(BUCKETS)))
        return [entry for doc in docs if doc for entry in doc.get("items", {}).values()]

    async def reconcile(self, open_now: list[Referral], current: dict[str, Referral | None]) -> tuple[int, int]:
        """Add what is open but missing, drop what is no longer open; ``current`` holds a fresh
        read (by ``_id``) of every referral concerned. Returns (added, dropped)."""
        indexed = {e["id"] for e in await self.entries()}
        added = dropped = 0
        for referral in open_now:
            fresh = current.get(referral.referral_id)
            if referral.referral_id not in indexed and fresh is not None and fresh.is_open:
                await self.note(fresh)
                added += 1
        open_ids = {r.referral_id for r in open_now}
        for referral_id in indexed - open_ids:
            fresh = current.get(referral_id)
            if fresh is None or not fresh.is_open:
                await self.drop(referral_id)
                dropped += 1
        return added, dropped
