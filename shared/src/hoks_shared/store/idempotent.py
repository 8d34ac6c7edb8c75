"""Idempotent view updates, each one atomic single-document update.

``apply_once``: the document remembers the ids of the events applied to it (``_applied``); the
filter excludes documents that already hold the id, and the upsert then fails on the unique
``_id``: the event is recognised as a duplicate without a transaction. (Entity snapshots from the
SIS use source versions instead: ``hoks_shared.sisviews``.)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

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
    marker = {"$push": {APPLIED: event_id}}
    try:
        await collection.update_one(
            {"_id": doc_id, APPLIED: {"$ne": event_id}}, merge_updates(update, marker), upsert=True
        )
    except DuplicateKeyError:
        return ApplyResult.DUPLICATE
    return ApplyResult.APPLIED
