"""An in-memory report store: documents go through a copy, like through a database."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any


class MemoryReportStore:
    def __init__(self) -> None:
        self.collections: dict[str, dict[str, dict[str, Any]]] = {}
        self.reads = 0
        self.writes = 0

    async def load(self, collection: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        coll = self.collections.get(collection, {})
        self.reads += len(ids)
        return {i: copy.deepcopy(coll[i]) for i in ids if i in coll}

    async def save(self, collection: str, docs: Sequence[dict[str, Any]]) -> None:
        coll = self.collections.setdefault(collection, {})
        self.writes += len(docs)
        for doc in docs:
            coll[doc["_id"]] = copy.deepcopy(doc)

    async def delete(self, collection: str, ids: Sequence[str]) -> None:
        coll = self.collections.setdefault(collection, {})
        for doc_id in ids:
            coll.pop(doc_id, None)
