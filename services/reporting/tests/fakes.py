"""An in-memory report store (documents go through a copy, like through a database), and the use
cases run over it."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from hoks_reporting.handlers.ports import ProjectionDeps, ReadDeps, ReportStore
from hoks_reporting.handlers.projection import ApplyEvents, apply_events
from hoks_shared.store.idempotent import ApplyResult


async def fold_into(store: ReportStore, events: Sequence[Any]) -> list[ApplyResult]:
    """The events applied in one process (``apply_events``) to ``store``."""
    return await apply_events(ApplyEvents(events), ProjectionDeps(store))


def reading(store: ReportStore) -> ReadDeps:
    return ReadDeps(store)


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
