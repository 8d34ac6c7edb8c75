"""The replay's report documents: folded in memory, then written to the database once each.

The projector reads and writes its documents through this store exactly as it does through the
database, so a replay computes every document with the live consumer's code; nothing reaches the
database until the history has been folded, and then each document is one insert (a fresh
database holds nothing to replace).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from hoks_reporting.adapters.report_store import COLLECTIONS, pack
from hoks_shared.store.limits import WRITE_CHUNK


class FoldedDocuments:
    """A report store in memory. Documents are shared, not copied: the projector never changes a
    document it has read (it builds new ones)."""

    def __init__(self) -> None:
        self.collections: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in COLLECTIONS}

    async def load(self, collection: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        held = self.collections[collection]
        return {i: held[i] for i in ids if i in held}

    async def save(self, collection: str, docs: Sequence[dict[str, Any]]) -> None:
        held = self.collections[collection]
        for doc in docs:
            held[doc["_id"]] = doc

    async def delete(self, collection: str, ids: Sequence[str]) -> None:
        held = self.collections[collection]
        for doc_id in ids:
            held.pop(doc_id, None)

    def count(self) -> int:
        return sum(len(held) for held in self.collections.values())

    async def write_once(self, db: AsyncDatabase[dict[str, Any]], concurrency: int = 8) -> int:
        """Insert every document into ``db`` (which holds none of them); how many were written."""
        gate = asyncio.Semaphore(concurrency)

        async def insert(collection: str, chunk: list[dict[str, Any]]) -> None:
            async with gate:
                await db[collection].insert_many([pack(d) for d in chunk], ordered=False)

        chunks = []
        for collection, held in self.collections.items():
            docs = list(held.values())
            chunks += [(collection, docs[i:i + WRITE_CHUNK]) for i in range(0, len(docs), WRITE_CHUNK)]
        async with asyncio.TaskGroup() as group:
            for collection, chunk in chunks:
                group.create_task(insert(collection, chunk))
        return self.count()
