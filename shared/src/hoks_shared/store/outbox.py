"""The transactional outbox without transactions: events live inside the changed document.

A state change and the events it emits are written by one ``update_one``: the entries are
pushed to the document's ``_outbox`` array. A crash can not separate the two. The relay publishes the entries (acks=all) and removes them only after Kafka
has them. A crash between publish and removal publishes an entry again with the same event id,
which idempotent consumers drop.

Throughput: a pass sends every staged entry of the documents it drains without waiting, awaits
the acknowledgements together, and then removes each document's acknowledged entries with a
``$pullAll`` of the exact entries read, filtered by ``_id`` alone (FerretDB scans the collection
for any other filter), so a state change that stages a new entry at the same moment keeps it
(per-document atomicity, which the embedded store gets from its atomic-write front).

The removals go in bulk writes of ``WRITE_CHUNK`` documents (one round trip for 50). A
``$pullAll`` is idempotent: when two relay instances drain one document at once, the second
removes nothing. (The document keeps no count of its entries: a count would need a read and a
write that two instances could interleave.) The sweep leaves entries younger than
``sweep_min_age_seconds`` to the instance that staged them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from inspect import isawaitable
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from hoks_shared.metrics import ServiceMetrics
from hoks_shared.store.limits import WRITE_CHUNK

OUTBOX = "_outbox"

#: documents read or written at once by one relay pass
STORE_CONCURRENCY = 16
#: documents holding entries (an index range on MongoDB: ``outbox_entries``)
STAGED = {f"{OUTBOX}.id": {"$gt": ""}}
#: documents holding none
DRAINED = {f"{OUTBOX}.0": {"$exists": False}}

log = logging.getLogger(__name__)

#: Hands an entry to the producer. It may return an acknowledgement to await later (a future,
#: so that many sends share one round trip) or return once the entry is acknowledged.
Send = Callable[[dict[str, Any]], Awaitable[Any]]


def outbox_update(entries: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The update fragment that stages ``entries`` in the same write as the state change."""
    items = list(entries)
    if not items:
        return {}
    return {"$push": {OUTBOX: {"$each": items}}}


def outbox_fields(entries: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The fields of a new document that stages ``entries`` (for an insert)."""
    return {OUTBOX: list(entries)}


async def ensure_outbox_index(collection: AsyncCollection[dict[str, Any]]) -> None:
    await collection.create_index([(f"{OUTBOX}.id", 1)], name="outbox_entries")


@dataclass
class _Drain:
    """One document's entries in a pass: what was sent and how far it was acknowledged."""

    collection: AsyncCollection[dict[str, Any]]
    doc_id: Any
    entries: list[dict[str, Any]]
    acks: list[Any] = field(default_factory=list)
    published: int = 0


@dataclass
class _PassState:
    backlog: int = 0
    oldest: datetime | None = None

    def left(self, entries: list[dict[str, Any]]) -> None:
        self.backlog += len(entries)
        for entry in entries:
            created = entry.get("created_at")
            if isinstance(created, datetime) and (self.oldest is None or created < self.oldest):
                self.oldest = created


class OutboxRelay:
    """Publishes staged entries of the given collections.

    Fast path: the code that staged entries calls ``notify(collection, doc_id)`` and the relay
    drains exactly those documents, read by ``_id``. Safety net: every ``sweep_seconds`` it looks
    for any document with entries (after a crash, or entries another instance left), which is a
    collection scan on FerretDB and an index range on MongoDB (``outbox_entries``).
    A service runs one relay for its domain events and one for its audit records (a lane of
    their own), so a burst of audit records never delays a domain event.
    """

    def __init__(
        self,
        collections: list[AsyncCollection[dict[str, Any]]],
        send: Send,
        metrics: ServiceMetrics,
        poll_seconds: float = 1.0,
        sweep_seconds: float = 30.0,
        *,
        lane: str = "domain",
        batch_documents: int = 500,
        sweep_min_age_seconds: float = 10.0,
        renew_producer: Callable[[], Awaitable[None]] | None = None,
        spent: Callable[[BaseException], bool] = lambda exc: False,
    ) -> None:
        self.collections = list(collections)
        self.send = send
        self.metrics = metrics
        self.poll_seconds = poll_seconds
        self.sweep_seconds = sweep_seconds
        self.lane = lane
        self.batch_documents = batch_documents
        self.sweep_min_age_seconds = sweep_min_age_seconds
        #: after a refusal that ``spent`` says used up the producer, a new producer before the next
        #: try (messaging.producer_renewal: otherwise every later batch is OutOfOrderSequenceNumber)
        self.renew_producer = renew_producer
        self.spent = spent
        self._producer_spent = False
        self._by_name = {c.name: c for c in collections}
        # insertion-ordered: (collection, _id) → the document's entries when the caller knew them
        self._notified: dict[tuple[str, Any], list[dict[str, Any]] | None] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._last_sweep = 0.0
        self._gate = asyncio.Semaphore(STORE_CONCURRENCY)
        self._backlog = metrics.outbox_backlog.labels(lane=lane)
        self._oldest_seconds = metrics.outbox_oldest_seconds.labels(lane=lane)

    def add_collections(self, collections: list[AsyncCollection[dict[str, Any]]]) -> None:
        for c in collections:
            if c.name not in self._by_name:
                self.collections.append(c)
                self._by_name[c.name] = c

    def notify(self, collection: str | None = None, doc_id: Any = None,
               entries: list[dict[str, Any]] | None = None) -> None:
        """Entries were staged (in ``doc_id`` of ``collection``, when given): drain soon.

        ``entries``: the document's whole outbox, when the caller knows it (it has just inserted
        the document with them, as the audit trail does); the relay then publishes them without
        reading the document back."""
        if collection is not None and doc_id is not None:
            key = (collection, doc_id)
            # notified twice, or without its entries: read it back, it may hold more
            self._notified[key] = None if key in self._notified or entries is None else list(entries)
        else:
            self._last_sweep = 0.0  # no ids given: sweep on the next pass
        self._wake.set()

    async def _read(self, collection: AsyncCollection[dict[str, Any]], doc_id: Any) -> _Drain | None:
        async with self._gate:
            doc = await collection.find_one({"_id": doc_id}, {OUTBOX: 1})
        entries = (doc or {}).get(OUTBOX) or []
        return _Drain(collection, doc_id, entries) if entries else None

    async def _remove(self, drains: list[_Drain]) -> None:
        """The acknowledged entries leave; anything staged since stays."""
        by_collection: dict[str, list[_Drain]] = {}
        for d in drains:
            by_collection.setdefault(d.collection.name, []).append(d)

        async def chunk(part: list[_Drain]) -> None:
            async with self._gate:
                await part[0].collection.bulk_write(
                    [UpdateOne({"_id": d.doc_id}, {"$pullAll": {OUTBOX: d.entries[:d.published]}}) for d in part],
                    ordered=False)

        await asyncio.gather(*(chunk(part[start:start + WRITE_CHUNK])
                               for part in by_collection.values() for start in range(0, len(part), WRITE_CHUNK)))

    async def _publish(self, drains: list[_Drain], state: _PassState) -> int:
        for drain in drains:  # send everything first, in each document's order ...
            for entry in drain.entries:
                try:
                    drain.acks.append(await self.send(entry))
                except Exception as exc:
                    log.exception("outbox send failed; will retry", extra={"event_id": entry.get("id")})
                    self._producer_spent |= self.spent(exc)
                    break
        for drain in drains:  # ... then await the acknowledgements together
            for ack in drain.acks:
                if isawaitable(ack):
                    try:
                        await ack
                    except Exception as exc:
                        log.exception("outbox publish not acknowledged; will retry",
                                      extra={"event_id": drain.entries[drain.published].get("id")})
                        self._producer_spent |= self.spent(exc)
                        _let_go(drain.acks[drain.published + 1:])
                        break
                drain.published += 1
            for entry in drain.entries[:drain.published]:
                self.metrics.outbox_published.labels(topic=entry["topic"]).inc()
            state.left(drain.entries[drain.published:])
        await self._remove([d for d in drains if d.published])
        if self._producer_spent and self.renew_producer is not None:
            self._producer_spent = False
            await self.renew_producer()
        return sum(d.published for d in drains)

    async def drain_once(self, *, sweep: bool = True) -> int:
        """Drain the notified documents, and with ``sweep`` every pending one; returns how many
        entries were published."""
        published = 0
        state = _PassState()
        while self._notified:
            keys = list(self._notified)[:self.batch_documents]
            known = {key: self._notified.pop(key) for key in keys}
            try:
                read = await asyncio.gather(*(self._read(self._by_name[name], doc_id) for name, doc_id in keys
                                              if known[(name, doc_id)] is None))
            except Exception:
                self._notified.update(known)  # the next pass tries them again
                raise
            read += [_Drain(self._by_name[name], doc_id, entries) for (name, doc_id), entries in known.items()
                     if entries is not None]
            published += await self._publish([d for d in read if d is not None], state)
        if sweep:
            settled = datetime.now(UTC) - timedelta(seconds=self.sweep_min_age_seconds)
            for collection in self.collections:
                drains = []
                async for doc in collection.find(STAGED, {OUTBOX: 1}):
                    entries = doc.get(OUTBOX) or []
                    if _staged_before(entries, settled):
                        drains.append(_Drain(collection, doc["_id"], entries))
                    else:
                        state.left(entries)  # fresh: the instance that staged them is on it
                for start in range(0, len(drains), self.batch_documents):
                    published += await self._publish(drains[start:start + self.batch_documents], state)
            self._backlog.set(state.backlog)
            self._oldest_seconds.set(
                (datetime.now(UTC) - state.oldest).total_seconds() if state.oldest else 0
            )
        elif state.backlog:
            self._backlog.inc(state.backlog)
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
                log.exception("outbox relay pass failed", extra={"lane": self.lane})

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self.lane}")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None


def _let_go(acks: list[Any]) -> None:
    """Acknowledgements not awaited after a failure: their outcome is read when they end (the
    entries stay in the outbox and are sent again), so no "exception never retrieved" is logged."""
    for ack in acks:
        if isinstance(ack, asyncio.Future):
            ack.add_done_callback(lambda f: f.cancelled() or f.exception())


def _staged_before(entries: list[dict[str, Any]], moment: datetime) -> bool:
    created = entries[0].get("created_at") if entries else None
    if not isinstance(created, datetime):
        return True  # no time to go by: take it
    if created.tzinfo is None:  # a client without tz_aware reads naive UTC
        created = created.replace(tzinfo=UTC)
    return created <= moment
