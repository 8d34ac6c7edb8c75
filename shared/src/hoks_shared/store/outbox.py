"""The transactional outbox without transactions: events live inside the changed document.

A state change and the events it emits are written by one ``update_one``: the entries are
pushed to the document's ``_outbox`` array and ``_outbox_pending`` counts them. A crash can not
separate the two. The relay publishes each document's entries in order (acks=all) and removes
an entry only after Kafka has it, with a conditional ``$pop`` on its id. A crash between
publish and removal publishes the entry again with the same event id, which idempotent
consumers drop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from hoks_shared.metrics import ServiceMetrics

OUTBOX = "_outbox"
PENDING = "_outbox_pending"

log = logging.getLogger(__name__)


def outbox_update(entries: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The update fragment that stages ``entries`` in the same write as the state change."""
    items = list(entries)
    if not items:
        return {}
    return {"$push": {OUTBOX: {"$each": items}}, "$inc": {PENDING: len(items)}}


async def ensure_outbox_index(collection: AsyncCollection[dict[str, Any]]) -> None:
    await collection.create_index([(PENDING, 1)], name="outbox_pending")


class OutboxRelay:
    """Publishes staged entries of the given collections; wakes on ``notify`` or every poll."""

    def __init__(
        self,
        collections: list[AsyncCollection[dict[str, Any]]],
        publish: Callable[[dict[str, Any]], Awaitable[None]],
        metrics: ServiceMetrics,
        poll_seconds: float = 1.0,
    ) -> None:
        self.collections = collections
        self.publish = publish
        self.metrics = metrics
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def notify(self) -> None:
        self._wake.set()

    async def drain_once(self) -> int:
        """One pass over every pending document; returns how many entries were published."""
        published = 0
        backlog = 0
        oldest: datetime | None = None
        for collection in self.collections:
            async for doc in collection.find({PENDING: {"$gt": 0}}, {OUTBOX: 1}):
                entries = doc.get(OUTBOX, [])
                for index, entry in enumerate(entries):
                    try:
                        await self.publish(entry)
                    except Exception:
                        backlog += len(entries) - index
                        created = entry.get("created_at")
                        if isinstance(created, datetime) and (oldest is None or created < oldest):
                            oldest = created
                        log.exception("outbox publish failed; will retry", extra={"event_id": entry.get("id")})
                        break
                    result = await collection.update_one(
                        {"_id": doc["_id"], f"{OUTBOX}.0.id": entry["id"]},
                        {"$pop": {OUTBOX: -1}, "$inc": {PENDING: -1}},
                    )
                    if result.modified_count != 1:
                        break  # another relay instance got here first; it keeps the order
                    published += 1
                    self.metrics.outbox_published.labels(topic=entry["topic"]).inc()
        self.metrics.outbox_backlog.set(backlog)
        self.metrics.outbox_oldest_seconds.set(
            (datetime.now(UTC) - oldest).total_seconds() if oldest else 0
        )
        return published

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                await self.drain_once()
            except Exception:
                log.exception("outbox relay pass failed")

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
