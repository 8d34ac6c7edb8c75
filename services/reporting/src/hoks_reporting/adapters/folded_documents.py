"""The replay's report documents: folded in memory, then written to the database once each.

The use cases read and write their documents through this store exactly as they do through the
database, so a replay computes every document with the live consumers' code; a document reaches the
database once it is final, as one insert (a fresh database holds nothing to replace): the whole
collection at the end, or earlier a collection whose documents no later event can change
(``write_early``: the replay folds the meeting topics first, whose entities nothing else touches,
and writes those while it reads the rest).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from hoks_reporting.adapters.report_store import COLLECTIONS, pack

#: Documents per insert command. Inserts into a fresh collection are not the replace statements
#: ``store.limits.WRITE_CHUNK`` bounds (FerretDB inserts a command's documents in one transaction):
#: 1,000 at a time took 0.73 s for 10,000 documents of 3 KB where 50 at a time, 8 in flight, took
#: 1.02 s, and 0.40 s against 0.52 s for 800-byte documents (measured here on the embedded store).
INSERT_CHUNK = 1000
#: ... and at most this many bytes of packed fields per command (a unit's counselor list is ~120 KB)
INSERT_BYTES = 4 * 1024 * 1024
#: insert commands in flight: the store applies one write at a time; the others in flight keep it
#: busy while this process packs the next chunk or decodes records (the early writes get a turn
#: every ``replay.TURN_EVERY`` records: with 4 in flight the meeting topics' 22,205 documents were
#: all written while the SIS topics were still being read, with 2 some 0.2–0.5 s after)
IN_FLIGHT = 4


def _chunks(docs: Sequence[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """The documents packed, cut by ``INSERT_CHUNK`` documents or ``INSERT_BYTES`` bytes."""
    chunk: list[dict[str, Any]] = []
    size = 0
    for doc in docs:
        packed = pack(doc)
        chunk.append(packed)
        size += sum(len(v) for v in packed.values() if isinstance(v, str))
        if len(chunk) >= INSERT_CHUNK or size >= INSERT_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class FoldedDocuments:
    """A report store in memory. Documents are shared, not copied: the use cases never change a
    document they have read (they build new ones)."""

    def __init__(self) -> None:
        self.collections: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in COLLECTIONS}
        #: documents already written (``write_early``): final, a later change is a mistake
        self._written: dict[str, set[str]] = {name: set() for name in COLLECTIONS}
        self._early: list[asyncio.Task[int]] = []
        self.written_early = 0

    async def load(self, collection: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        held = self.collections[collection]
        return {i: held[i] for i in ids if i in held}

    async def save(self, collection: str, docs: Sequence[dict[str, Any]]) -> None:
        held, written = self.collections[collection], self._written[collection]
        for doc in docs:
            if doc["_id"] in written:
                raise RuntimeError(f"{collection} {doc['_id']} was written as final and changed later")
            held[doc["_id"]] = doc

    async def delete(self, collection: str, ids: Sequence[str]) -> None:
        held, written = self.collections[collection], self._written[collection]
        for doc_id in ids:
            if doc_id in written:
                raise RuntimeError(f"{collection} {doc_id} was written as final and deleted later")
            held.pop(doc_id, None)

    def count(self) -> int:
        return sum(len(held) for held in self.collections.values())

    def write_early(self, db: AsyncDatabase[dict[str, Any]], collection: str) -> None:
        """Start writing the documents ``collection`` holds now, in the background: the caller
        knows no later event changes them (a later save of one of them raises)."""
        docs = [doc for doc_id, doc in self.collections[collection].items()
                if doc_id not in self._written[collection]]
        self._written[collection].update(doc["_id"] for doc in docs)
        self.written_early += len(docs)
        self._early.append(asyncio.create_task(_insert_all(db, {collection: docs})))

    async def write_once(self, db: AsyncDatabase[dict[str, Any]]) -> int:
        """Insert every document not written yet into ``db`` (which holds none of them) and wait
        for the early writes; how many documents there are."""
        try:
            await _insert_all(db, {name: [doc for doc_id, doc in held.items() if doc_id not in self._written[name]]
                                   for name, held in self.collections.items()})
        finally:
            await asyncio.gather(*self._early)
        return self.count()


async def _insert_all(db: AsyncDatabase[dict[str, Any]], docs: dict[str, list[dict[str, Any]]],
                      in_flight: int = IN_FLIGHT) -> int:
    """Insert the documents, chunks packed one after another while earlier ones are being inserted."""
    gate = asyncio.Semaphore(in_flight)

    async def insert(collection: str, chunk: list[dict[str, Any]]) -> None:
        try:
            await db[collection].insert_many(chunk, ordered=False)
        finally:
            gate.release()

    async with asyncio.TaskGroup() as group:
        for collection, held in docs.items():
            for chunk in _chunks(held):
                await gate.acquire()
                group.create_task(insert(collection, chunk))
    return sum(len(held) for held in docs.values())
