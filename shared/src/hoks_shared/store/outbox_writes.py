"""The one seam through which a service writes a state change together with the events it emits.

A repository never writes ``_outbox`` by hand and nobody has to remember to wake the relay: an
:class:`Outbox` stages the events' entries in the same single-document write as the change
(``insert``, ``update`` or a ``bulk`` of both), and after the write it tells the relay which
documents now hold entries. The relay (``store/outbox.py``) publishes them with acks=all and
removes them once Kafka has them.

Why the events travel inside the document: the store has no transactions we may rely on
(FerretDB 1.24), so the only write that can not be split by a crash is one document's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from pymongo import InsertOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError
from pymongo.results import UpdateResult

from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.store.outbox import outbox_fields, outbox_update
from hoks_shared.store.limits import WRITE_CHUNK


@dataclass(frozen=True)
class Outgoing:
    """An integration event to publish with a state change. ``event_id`` keeps a retried use case
    idempotent (the same id → consumers drop the repeat); ``time`` is the event's time if not now."""

    event: IntegrationEvent
    event_id: str | None = None
    time: datetime | None = None


#: Turns an outgoing event into an outbox entry (topic, key, CloudEvents headers, body).
ToEntry = Callable[[Outgoing], dict[str, Any]]


class Wakes(Protocol):
    """What the seam needs of a relay: told which document now holds which entries."""

    def notify(self, collection: str | None = None, doc_id: Any = None,
               entries: list[dict[str, Any]] | None = None) -> None: ...


@dataclass(frozen=True)
class Insert:
    """A new document and the events its creation emits."""

    doc: dict[str, Any]
    events: Sequence[Outgoing] = ()


@dataclass(frozen=True)
class Update:
    """A change of the document the filter names by ``_id`` (plus any guard, e.g. a version)."""

    filter: dict[str, Any]
    update: dict[str, Any]
    events: Sequence[Outgoing] = ()
    upsert: bool = False


@dataclass
class BulkOutcome:
    """Which writes of a ``bulk`` call failed (index into the list given, and the store's code)."""

    failed: dict[int, int | None] = field(default_factory=dict)

    def ok(self, index: int) -> bool:
        return index not in self.failed


def staged_update(update: dict[str, Any], entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``update`` with ``entries`` pushed onto the outbox (a copy; ``$push`` merged if present)."""
    if not entries:
        return update
    merged = {op: dict(fields) for op, fields in update.items()}
    merged.setdefault("$push", {}).update(outbox_update(entries)["$push"])
    return merged


class Outbox:
    """Writes to one collection that stage events. ``wake`` is the relay (None in tools that
    only write, e.g. a migration: the relay's sweep publishes what they staged).

    ``known_entries``: the relay is handed an inserted document's entries, so it publishes them
    without reading the document back (the audit trail's records are write-once)."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]], to_entry: ToEntry,
                 wake: Wakes | None, *, known_entries: bool = False) -> None:
        self.collection = collection
        self.to_entry = to_entry
        self.wake = wake
        self.known_entries = known_entries

    @property
    def name(self) -> str:
        return self.collection.name

    def entries(self, events: Iterable[Outgoing]) -> list[dict[str, Any]]:
        return [self.to_entry(e) for e in events]

    async def insert(self, doc: dict[str, Any], events: Iterable[Outgoing] = ()) -> None:
        """Inserts ``doc`` with its events staged (``DuplicateKeyError`` passes to the caller)."""
        entries = self.entries(events)
        await self.collection.insert_one({**doc, **outbox_fields(entries)})
        self._woken(doc["_id"], entries, inserted=True)

    async def update(self, filter: dict[str, Any], update: dict[str, Any],
                     events: Iterable[Outgoing] = (), *, upsert: bool = False) -> UpdateResult:
        """Applies ``update`` to the document ``filter`` names by ``_id``, staging the events in
        the same write; the relay is woken only if the write changed the document."""
        entries = self.entries(events)
        result = await self.collection.update_one(filter, staged_update(update, entries), upsert=upsert)
        if result.modified_count or result.upserted_id is not None:
            self._woken(filter["_id"], entries)
        return result

    async def bulk(self, writes: Sequence[Insert | Update]) -> BulkOutcome:
        """Unordered bulk writes in chunks of ``WRITE_CHUNK``; a write that fails (a duplicate key)
        is reported, the others stand. (An update whose guard no longer holds matches nothing and
        is not an error: check the state afterwards where that matters.)"""
        outcome = BulkOutcome()
        for start in range(0, len(writes), WRITE_CHUNK):
            part = writes[start:start + WRITE_CHUNK]
            staged = [(w, self.entries(w.events)) for w in part]
            ops: list[Any] = [
                InsertOne({**w.doc, **outbox_fields(entries)}) if isinstance(w, Insert)
                else UpdateOne(w.filter, staged_update(w.update, entries), upsert=w.upsert)
                for w, entries in staged]
            try:
                await self.collection.bulk_write(ops, ordered=False)
            except BulkWriteError as exc:
                for error in exc.details.get("writeErrors", []):
                    outcome.failed[start + error["index"]] = error.get("code")
            for offset, (w, entries) in enumerate(staged):
                if start + offset not in outcome.failed:
                    self._woken(w.doc["_id"] if isinstance(w, Insert) else w.filter["_id"], entries)
        return outcome

    def _woken(self, doc_id: Any, entries: list[dict[str, Any]], *, inserted: bool = False) -> None:
        if entries and self.wake is not None:
            known = entries if (inserted and self.known_entries) else None
            self.wake.notify(self.collection.name, doc_id, known)
