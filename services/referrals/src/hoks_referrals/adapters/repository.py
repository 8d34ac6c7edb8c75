"""Referrals in the document store; each carries its own outbox of events to publish.

Every write goes through the service's ``Outbox`` seam (``runtime.outbox(REFERRALS)``): a change
is one ``update_one`` guarded by the referral's ``version`` (optimistic concurrency, no
transactions) with its events staged in the same write, so the new state and its outbox entries
land together or not at all, and the seam wakes the relay after it. The guard makes
the filter more than ``{_id}``, which FerretDB 1.24 answers with a scan (measured: ~60–85 ms at
5,000 referrals, see the README); a change is a person's click, so that is accepted. Reads of open
referrals go through the pre-aggregated ``open_index`` and ``_id`` reads instead of scans.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from hoks_referrals.adapters.open_index import OpenReferralIndex
from hoks_referrals.domain.referral import OPEN_STATUSES, Referral
from hoks_shared.store.outbox import OUTBOX
from hoks_shared.store.outbox_writes import Outbox, Outgoing

REFERRALS = "referrals"
_DATE_FIELDS = ("acknowledge_by", "overdue_since")
_DATETIME_FIELDS = ("made_at", "accepted_at", "meeting_starts_at", "closed_at")
_STATE_FIELDS = [f.name for f in dataclasses.fields(Referral) if f.name not in ("referral_id", "changes")]


def to_doc(referral: Referral) -> dict[str, Any]:
    doc: dict[str, Any] = {name: getattr(referral, name) for name in _STATE_FIELDS}
    for name in _DATE_FIELDS:
        if doc[name] is not None:
            doc[name] = datetime.combine(doc[name], time())
    return doc


def from_doc(doc: dict[str, Any]) -> Referral:
    data = {name: doc.get(name) for name in _STATE_FIELDS if name in doc}
    for name in _DATE_FIELDS:
        if isinstance(data.get(name), datetime):
            data[name] = data[name].date()
    for name in _DATETIME_FIELDS:
        value = data.get(name)
        if isinstance(value, datetime) and value.tzinfo is None:
            data[name] = value.replace(tzinfo=UTC)
    return Referral(referral_id=doc["_id"], **data)


class MongoReferralRepository:
    """Referrals, with the open ones also in a pre-aggregated index (``open_index``) so the inbox
    and the SLA pass read by ``_id`` instead of scanning every referral ever made."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], outbox: Outbox, read_concurrency: int = 8) -> None:
        self.collection = db[REFERRALS]
        self.outbox = outbox
        self.index = OpenReferralIndex(db)
        self.read_concurrency = read_concurrency

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("student_oid", 1)])
        await self.collection.create_index([("target", 1), ("status", 1)])
        await self.collection.create_index([("assignee_oid", 1)])
        await self.collection.create_index([("made_by_oid", 1)])
        await self.collection.create_index([("unit_id", 1), ("status", 1)])
        await self.collection.create_index([("responsible_teacher_oid", 1)])
        await self.collection.create_index([("status", 1)])

    async def create(self, referral: Referral, events: Sequence[Outgoing]) -> bool:
        try:
            await self.outbox.insert({"_id": referral.referral_id, **to_doc(referral)}, events)
        except DuplicateKeyError:
            return False
        await self.index.note(referral)
        return True

    async def get(self, referral_id: str) -> Referral | None:
        doc = await self.collection.find_one({"_id": referral_id}, {OUTBOX: 0})
        return from_doc(doc) if doc else None

    async def save(self, referral: Referral, events: Sequence[Outgoing]) -> bool:
        result = await self.outbox.update({"_id": referral.referral_id, "version": referral.version - 1},
                                          {"$set": to_doc(referral)}, events)
        if result.modified_count != 1:
            return False
        await self.index.note(referral)
        return True

    async def _get_many(self, ids: list[str]) -> dict[str, Referral | None]:
        gate = asyncio.Semaphore(self.read_concurrency)

        async def one(referral_id: str) -> Referral | None:
            async with gate:
                return await self.get(referral_id)

        found = await asyncio.gather(*(one(i) for i in ids))
        return dict(zip(ids, found, strict=True))

    async def all(self) -> list[Referral]:
        return [from_doc(d) async for d in self.collection.find({}, {OUTBOX: 0})]

    async def find(self, *, assignee_oid: str | None = None, made_by_oid: str | None = None,
                   responsible_teacher_oid: str | None = None, unit_ids: frozenset[str] | None = None,
                   open_only: bool = False) -> list[Referral]:
        """Referrals matching any of the given criteria (all when none is given); indexed on MongoDB."""
        if open_only:
            return await self._find_open(assignee_oid, made_by_oid, responsible_teacher_oid, unit_ids)
        either: list[dict[str, Any]] = []
        for name, value in (("assignee_oid", assignee_oid), ("made_by_oid", made_by_oid),
                            ("responsible_teacher_oid", responsible_teacher_oid)):
            if value is not None:
                either.append({name: value})
        if unit_ids:
            either.append({"unit_id": {"$in": sorted(unit_ids)}})
        query: dict[str, Any] = {"$or": either} if either else {}
        return [from_doc(d) async for d in self.collection.find(query, {OUTBOX: 0})]

    async def _find_open(self, assignee_oid: str | None, made_by_oid: str | None,
                         responsible_teacher_oid: str | None, unit_ids: frozenset[str] | None) -> list[Referral]:
        """Open referrals through the index; each re-read by ``_id`` and re-checked (the index may lag)."""
        given = [(k, v) for k, v in (("assignee_oid", assignee_oid), ("made_by_oid", made_by_oid),
                                     ("responsible_teacher_oid", responsible_teacher_oid)) if v is not None]

        def wanted(entry: dict[str, Any]) -> bool:
            if not given and not unit_ids:
                return True
            return any(entry.get(k) == v for k, v in given) or bool(unit_ids and entry.get("unit_id") in unit_ids)

        ids = [e["id"] for e in await self.index.entries() if wanted(e)]
        fresh = await self._get_many(ids)
        return [r for r in fresh.values() if r is not None and r.is_open]

    async def waiting_for_routing(self) -> list[Referral]:
        """Open referrals without an assignee: found from the index entries, re-read and re-checked."""
        ids = [e["id"] for e in await self.index.entries() if not e.get("assignee_oid")]
        fresh = await self._get_many(ids)
        return [r for r in fresh.values() if r is not None and r.waits_for_routing]

    async def reconcile_open_index(self) -> tuple[int, int]:
        """Repair the index from a scan of the open referrals (crash between a write and its index
        update); returns (added, dropped)."""
        open_now = [from_doc(d) async for d in self.collection.find(
            {"status": {"$in": sorted(OPEN_STATUSES)}}, {OUTBOX: 0})]
        indexed = {e["id"] for e in await self.index.entries()}
        open_ids = {r.referral_id for r in open_now}
        fresh = await self._get_many(sorted(open_ids ^ indexed))
        return await self.index.reconcile(open_now, fresh)
