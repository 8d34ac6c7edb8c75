"""Idempotent view updates, each one atomic single-document update.

``apply_once``: the document remembers the ids of the events applied to it (``_applied``). The
id is checked on a read by ``_id`` and added (``$addToSet``) in the same write as the update,
which is filtered by ``_id`` alone: FerretDB 1.24 answers any other filter with a scan of the
whole collection, under the write lock of its database. The update must be idempotent (a
``$set`` of state computed from the event), since two consumers delivered the same event at the
same moment (a rebalance) may both write it. (Entity snapshots from the SIS use source versions
instead: ``hoks_shared.sisviews``.)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

APPLIED = "_applied"


class ApplyResult(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    STALE = "stale"
    REJECTED = "rejected"  # refused for a reason other than its version; dead-lettered


def merge_updates(*updates: dict[str, Any]) -> dict[str, Any]:
    """Merge MongoDB update documents operator by operator (``$set`` with ``$set``, ...)."""
    merged: dict[str, dict[str, Any]] = {}
    for update in updates:
        for op, fields in update.items():
            target = merged.setdefault(op, {})
            overlap = target.keys() & fields.keys()
            if overlap:
                raise ValueError(f"conflicting {op} on {sorted(overlap)}")
            target.update(fields)
    return merged


async def apply_once(
    collection: AsyncCollection[dict[str, Any]],
    doc_id: Any,
    event_id: str,
    update: dict[str, Any],
) -> ApplyResult:
    held = await collection.find_one({"_id": doc_id}, {APPLIED: 1})
    if held is not None and event_id in (held.get(APPLIED) or ()):
        return ApplyResult.DUPLICATE
    await collection.update_one({"_id": doc_id}, merge_updates(update, {"$addToSet": {APPLIED: event_id}}),
                                upsert=True)
    return ApplyResult.APPLIED
