"""The report documents in MongoDB/FerretDB: read and written by ``_id`` only.

FerretDB 1.24 pushes a filter down only when it is exactly ``{_id: <string>}``, so reads are
concurrent ``find_one`` by id, writes are ``ReplaceOne`` by id in chunks of 50 (larger write
commands deadlock its connection pool).

The bulky parts of a document (``members``, ``totals``, ``state``, ``contrib``) are stored as one
JSON string each: FerretDB converts every field between SQLite JSON and BSON, and a unit's
document with ~1,500 counters took 8–14 ms to read as fields, 1–2 ms as one string (measured
here). Nothing queries inside them (every read is by ``_id``); ``kind``, ``unit_id``, ``period``
and ``who`` stay plain fields for people looking at the database.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from pymongo import ReplaceOne
from pymongo.asynchronous.database import AsyncDatabase

from hoks_reporting.handlers.ports import AGGREGATES, ENTITIES
from hoks_shared.store.limits import WRITE_CHUNK

COLLECTIONS = (ENTITIES, AGGREGATES)
PACKED = ("members", "totals", "state", "contrib")


#: one encoder for every packed field (``json.dumps`` with options builds a new one per call)
_PACKER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), check_circular=False)


def pack(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: (_PACKER.encode(v) if k in PACKED else v) for k, v in doc.items()}


def unpack(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: (json.loads(v) if k in PACKED and isinstance(v, str) else v) for k, v in doc.items()}


class MongoReportStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], read_concurrency: int = 8) -> None:
        self.db = db
        self.read_concurrency = read_concurrency

    async def ensure_indexes(self) -> None:
        """Nothing beyond ``_id``: every read and write names the document."""

    async def load(self, collection: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        coll = self.db[collection]
        gate = asyncio.Semaphore(self.read_concurrency)

        async def one(doc_id: str) -> dict[str, Any] | None:
            async with gate:
                return await coll.find_one({"_id": doc_id})

        docs = await asyncio.gather(*(one(i) for i in ids))
        return {d["_id"]: unpack(d) for d in docs if d is not None}

    async def save(self, collection: str, docs: Sequence[dict[str, Any]]) -> None:
        coll = self.db[collection]
        for start in range(0, len(docs), WRITE_CHUNK):
            chunk = docs[start:start + WRITE_CHUNK]
            await coll.bulk_write([ReplaceOne({"_id": d["_id"]}, pack(d), upsert=True) for d in chunk], ordered=True)

    async def delete(self, collection: str, ids: Sequence[str]) -> None:
        coll = self.db[collection]
        for doc_id in ids:  # by _id one at a time: anything else scans on FerretDB
            await coll.delete_one({"_id": doc_id})


class CachedReportStore:
    """Remembers the documents it last read or wrote (bounded LRU), so most reads cost nothing.

    Valid because this replica is the only writer of the documents it reads (see ``pipeline``: its
    partitions are fixed by configuration, so they never move while it runs); cleared after a failed
    write (what the store holds is then unknown). Cached documents are shared: callers must not
    change them in place (the projector builds new ones).
    """

    def __init__(self, inner: MongoReportStore, max_docs: int = 50_000, *, fresh: bool = False) -> None:
        self.inner = inner
        self.max_docs = max_docs
        self._docs: OrderedDict[tuple[str, str], dict[str, Any] | None] = OrderedDict()
        #: a fresh database (replay): a document this store never wrote does not exist, no need to ask
        self.fresh = fresh
        self._written: set[tuple[str, str]] = set()
        self.hits = 0
        self.misses = 0

    async def ensure_indexes(self) -> None:
        await self.inner.ensure_indexes()

    def clear(self) -> None:
        self._docs.clear()

    def _remember(self, collection: str, doc_id: str, doc: dict[str, Any] | None) -> None:
        self._docs[(collection, doc_id)] = doc
        self._docs.move_to_end((collection, doc_id))
        while len(self._docs) > self.max_docs:
            self._docs.popitem(last=False)

    async def load(self, collection: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        missing = []
        for doc_id in ids:
            key = (collection, doc_id)
            if key in self._docs:
                self._docs.move_to_end(key)
                doc = self._docs[key]
                if doc is not None:
                    found[doc_id] = doc
            elif self.fresh and key not in self._written:
                continue
            else:
                missing.append(doc_id)
        self.hits += len(ids) - len(missing)
        self.misses += len(missing)
        if missing:
            loaded = await self.inner.load(collection, missing)
            for doc_id in missing:
                self._remember(collection, doc_id, loaded.get(doc_id))
            found.update(loaded)
        return found

    async def save(self, collection: str, docs: Sequence[dict[str, Any]]) -> None:
        try:
            await self.inner.save(collection, docs)
        except BaseException:
            self.clear()
            raise
        for doc in docs:
            self._remember(collection, doc["_id"], doc)
            if self.fresh:
                self._written.add((collection, doc["_id"]))

    async def delete(self, collection: str, ids: Sequence[str]) -> None:
        try:
            await self.inner.delete(collection, ids)
        except BaseException:
            self.clear()
            raise
        for doc_id in ids:
            self._remember(collection, doc_id, None)
