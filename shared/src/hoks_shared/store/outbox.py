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
    """Publishes staged entries of the given collections.

    Fast path: the code that staged entries calls ``notify(collection, doc_id)`` and the relay
    drains exactly those documents, read by ``_id``. Safety net: every ``sweep_seconds`` it looks
    for any document with pending entries (after a crash, or entries another instance left),
    which is a collection scan on FerretDB and cheap on MongoDB (indexed ``_outbox_pending``).
    """

    def __init__(
        self,
        collections: list[AsyncCollection[dict[str, Any]]],
        publish: Callable[[dict[str, Any]], Awaitable[None]],
        metrics: ServiceMetrics,
        poll_seconds: float = 1.0,
        sweep_seconds: float = 30.0,
    ) -> None:
        self.collections = list(collections)
        self.publish = publish
        self.metrics = metrics
        self.poll_seconds = poll_seconds
        self.sweep_seconds = sweep_seconds
        self._by_name = {c.name: c for c in collections}
        self._notified: set[tuple[str, Any]] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._last_sweep = 0.0

    def add_collections(self, collections: list[AsyncCollection[dict[str, Any]]]) -> None:
        for c in collections:
            if c.name not in self._by_name:
                self.collections.append(c)
                self._by_name[c.name] = c

    def notify(self, collection: str | None = None, doc_id: Any = None) -> None:
        """Entries were staged (in ``doc_id`` of ``collection``, when given): drain soon."""
        if collection is not None and doc_id is not None:
            self._notified.add((collection, doc_id))
        else:
            self._last_sweep = 0.0  # no ids given: sweep on the next pass
        self._wake.set()

    async def _drain_doc(self, collection: AsyncCollection[dict[str, Any]], doc: dict[str, Any],
                         state: dict[str, Any]) -> int:
        published = 0
        entries = doc.get(OUTBOX, [])
        for index, entry in enumerate(entries):
            try:
                await self.publish(entry)
            except Exception:
                state["backlog"] += len(entries) - index
                created = entry.get("created_at")
                if isinstance(created, datetime) and (state["oldest"] is None or created < state["oldest"]):
                    state["oldest"] = created
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
        return published

    async def drain_once(self, *, sweep: bool = True) -> int:
        """Drain the notified documents, and with ``sweep`` every pending one; returns how many
        entries were published."""
        published = 0
        state: dict[str, Any] = {"backlog": 0, "oldest": None}
        notified, self._notified = self._notified, set()
        for name, doc_id in notified:
            collection = self._by_name[name]
            doc = await collection.find_one({"_id": doc_id}, {OUTBOX: 1})
            if doc:
                published += await self._drain_doc(collection, doc, state)
        if sweep:
            for collection in self.collections:
                async for doc in collection.find({PENDING: {"$gt": 0}}, {OUTBOX: 1}):
                    published += await self._drain_doc(collection, doc, state)
            self.metrics.outbox_backlog.set(state["backlog"])
            self.metrics.outbox_oldest_seconds.set(
                (datetime.now(UTC) - state["oldest"]).total_seconds() if state["oldest"] else 0
            )
        elif state["backlog"]:
            self.metrics.outbox_backlog.inc(state["backlog"])
        return published

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            except TimeoutError:
                pass
            self._wake.clear()
            sweep = loop.time() - self._last_sweep >= self.sweep_seconds
            try:
                await self.drain_once(sweep=sweep)
                if sweep:
                    self._last_sweep = loop.time()
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
