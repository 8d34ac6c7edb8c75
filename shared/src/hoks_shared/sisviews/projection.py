"""``SisViews``: a batch of SIS events into the service's SIS views with as few store operations
as possible. The parts live next to it: the pure fold (``version_fold``), what this consumer last
wrote (``version_cache``), the store I/O (``view_store``) and the counting (``batch_outcome``);
their names are exported here too, where the services import them from."""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from hoks_shared.sisviews.batch_outcome import BatchOutcome, Tally, WriteRejected
from hoks_shared.sisviews.store_budget import StoreBudget
from hoks_shared.sisviews.version_cache import VersionCache, WrittenSinceEmpty
from hoks_shared.sisviews.version_fold import (
    GROUPS,
    STAFF,
    STUDENTS,
    DocChange,
    ViewUpdate,
    Fold,
    field_key,
    nest,
    view_update,
)
from hoks_shared.sisviews.view_store import ViewStore, Write, Written

#: events folded between two turns of the event loop given to the service's other consumers
YIELD_EVERY = 500

__all__ = ["GROUPS", "STAFF", "STUDENTS", "BatchOutcome", "SisViews", "StoreBudget", "VersionCache", "ViewUpdate",
           "WriteRejected", "field_key", "nest", "view_update"]


class SisViews:
    """Applies batches of SIS events with as few and as cheap store operations as possible.

    Per batch the events are folded per document (the newest version of each section wins);
    each touched document's versions come from the cache or one read by ``_id`` (none for a
    document of a view that was empty when the consumer started and that it has not written
    since); sections whose stored version is not older are stale; new documents are inserted
    whole in ``insert_many`` commands (on FerretDB ~10 times cheaper a document than a ``$set``);
    existing ones get one ``$set`` of their newer sections, filtered by ``_id``.

    Single writer: SIS events are keyed by the entity (the student OID for every student
    topic), the SIS subscriber of a service reads all its SIS topics in one consumer with the
    range assignor, so partition N of every topic, and with it every event of a student, goes
    to one consumer instance, which applies its batches one after another. Reading the version
    and writing by ``_id`` is therefore as safe as a server-side guard.

    Why not a server-side guard: FerretDB 1.24 pushes a filter down to SQLite only when it is
    exactly ``{_id: <string>}``; any further condition scans the whole collection per update
    (240 ms at 20,000 documents). It also deadlocks past ~100 statements in one write command
    (see ``WRITE_CHUNK``). Both limits shaped this class; it is just as correct on MongoDB.
    """

    def __init__(self, db: AsyncDatabase[dict[str, Any]], read_concurrency: int = 8,
                 cache: VersionCache | None = None, budget: StoreBudget | None = None) -> None:
        self.db = db
        self.store = ViewStore(db, read_concurrency, budget)
        self.cache = cache or VersionCache()
        self.fresh = WrittenSinceEmpty()

    def forget(self) -> None:
        """Partitions moved: what this consumer remembers writing may no longer be the latest."""
        self.cache.clear()
        self.fresh.clear()

    async def ensure_indexes(self) -> None:
        await self.store.ensure_indexes()

    async def apply(self, events: list[Any]) -> BatchOutcome:
        folded = Fold()
        for i, event in enumerate(events):
            folded.add(i, event)
            if i % YIELD_EVERY == YIELD_EVERY - 1:  # a resync's batch folds for seconds: let the rest run
                await asyncio.sleep(0)
        tally = Tally(events)
        tally.stale(folded.stale)
        for collection, docs in folded.changes.items():
            inserts, updates = await self._decide(collection, docs, tally)
            inserted, exist = await self.store.insert(collection, inserts)
            self._record(collection, inserted, tally)
            self.fresh.inserted(collection, [change.doc_id for change, _, refusal in inserted if refusal is None])
            if exist:  # written by another consumer after all: decided against what it wrote
                self.fresh.clear()
                more, updates_too = await self._decide(collection, [change for change, _ in exist], tally)
                updates += updates_too
                self._record(collection, (await self.store.insert(collection, more))[0], tally)
            self._record(collection, await self.store.update(collection, updates), tally)
        return tally.outcome

    async def _decide(self, collection: str, docs: list[DocChange], tally: Tally) -> tuple[list[Write], list[Write]]:
        """Which documents are new (inserted whole) and which get a ``$set`` of their newer sections."""
        if not self.fresh.known(collection):
            self.fresh.empty[collection] = await self.store.is_empty(collection)
        stored: dict[str, dict[str, Any]] = {}
        unknown = []
        for change in docs:
            versions = self.cache.get(collection, change.doc_id)
            if versions is not None:
                stored[change.doc_id] = {"_id": change.doc_id, **nest(versions)}
            elif not self.fresh.absent(collection, change.doc_id):
                unknown.append(change.doc_id)
        self.cache.hits += len(stored)
        self.cache.misses += len(unknown)
        stored.update(await self.store.read(collection, unknown))
        inserts: list[Write] = []
        updates: list[Write] = []
        for change in docs:
            write, stale = change.newer_than(stored.get(change.doc_id))
            tally.stale(stale)
            if write:
                (updates if change.doc_id in stored else inserts).append((change, write))
        return inserts, updates

    def _record(self, collection: str, written: list[Written], tally: Tally) -> None:
        for change, write, refusal in written:
            if refusal is None:
                tally.applied(write)
                self.cache.remember(collection, change.doc_id, DocChange.versions(write))
            else:
                tally.refused(write, refusal)
