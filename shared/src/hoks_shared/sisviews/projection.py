"""How SIS events change a service's SIS view: each event writes one versioned section of one
document; a batch becomes one insert or one ``$set`` per document."""

from __future__ import annotations

import asyncio
import re
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, ConnectionFailure, NetworkTimeout, PyMongoError

from hoks_shared.contracts.sis import (
    AbsenceRecorded,
    CreditRecorded,
    GroupUpserted,
    HoksUpdated,
    StaffUpserted,
    StudentUpserted,
    StudyRightStatus,
)
from hoks_shared.store.idempotent import ApplyResult
from hoks_shared.store.limits import WRITE_CHUNK

STUDENTS = "sis_students"
GROUPS = "sis_groups"
STAFF = "sis_staff"

_UNSAFE = re.compile(r"[.$]")


def field_key(identifier: str) -> str:
    """An id usable as a field name (no dots or dollars)."""
    return _UNSAFE.sub("_", identifier)


@dataclass(frozen=True)
class ViewUpdate:
    collection: str
    doc_id: str
    version_path: str
    version: int
    fields: dict[str, Any]

    def set_fields(self) -> dict[str, Any]:
        """The fields with the version; a section written whole carries its ``v`` inside already."""
        if any(self.version_path.startswith(key + ".") for key in self.fields):
            return dict(self.fields)
        return {**self.fields, self.version_path: self.version}


def _data(event: Any, *drop: str) -> dict[str, Any]:
    return event.model_dump(mode="json", exclude={"event_type", "schema_version", "source_version", *drop})


def view_update(event: Any) -> ViewUpdate:
    v = event.source_version
    match event:
        case StudentUpserted():
            return ViewUpdate(STUDENTS, event.student_oid, "_v.student", v, _data(event, "student_oid"))
        case HoksUpdated():
            return ViewUpdate(STUDENTS, event.student_oid, "hoks.v", v, {"hoks": {**_data(event, "student_oid"), "v": v}})
        case StudyRightStatus():
            key = f"study_rights.{field_key(event.study_right_oid)}"
            return ViewUpdate(STUDENTS, event.student_oid, f"{key}.v", v, {key: {**_data(event, "student_oid"), "v": v}})
        case AbsenceRecorded():
            key = f"absences.{field_key(event.absence_id)}"
            return ViewUpdate(STUDENTS, event.student_oid, f"{key}.v", v,
                              {key: {**_data(event, "student_oid", "absence_id"), "v": v}})
        case CreditRecorded():
            key = f"credits.{field_key(event.credit_id)}"
            return ViewUpdate(STUDENTS, event.student_oid, f"{key}.v", v,
                              {key: {**_data(event, "student_oid", "credit_id"), "v": v}})
        case GroupUpserted():
            return ViewUpdate(GROUPS, event.group_id, "_version", v, _data(event, "group_id"))
        case StaffUpserted():
            return ViewUpdate(STAFF, event.staff_oid, "_version", v, _data(event, "staff_oid"))
    raise TypeError(f"no SIS view for {type(event).__name__}")


class WriteRejected(Exception):
    """The store refused one update for a reason other than its version (not transient)."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


@dataclass
class BatchOutcome:
    counts: Counter[tuple[str, str]]
    rejected: list[WriteRejected]


def nest(dotted: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1, "c": 2}`` → ``{"a": {"b": 1}, "c": 2}``: a new document from ``$set`` paths."""
    doc: dict[str, Any] = {}
    for path, value in dotted.items():
        *parents, leaf = path.split(".")
        node = doc
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return doc


@dataclass
class _DocChange:
    """Everything one batch changes in one document: the newest update of each section."""

    collection: str
    doc_id: str
    sections: dict[str, tuple[int, ViewUpdate]]  # version path → (event index, update)

    def newer_than(self, stored: dict[str, Any] | None) -> tuple[list[tuple[int, ViewUpdate]], list[int]]:
        """The sections to write and the event indexes that are stale against the stored document."""
        write: list[tuple[int, ViewUpdate]] = []
        stale: list[int] = []
        for index, update in self.sections.values():
            held = _lookup(stored, update.version_path) if stored else None
            if held is None or held < update.version:
                write.append((index, update))
            else:
                stale.append(index)
        return write, stale

    @staticmethod
    def fields(sections: list[tuple[int, ViewUpdate]]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for _, update in sections:
            merged.update(update.set_fields())
        return merged


def _lookup(doc: dict[str, Any], path: str) -> Any:
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


class VersionCache:
    """What this consumer last wrote to each document: the section versions (bounded, LRU).

    Valid only while the consumer owns the partitions those documents' events come from (it is
    then their only writer); the subscriber clears it on every rebalance. A hit saves the read.
    """

    def __init__(self, max_docs: int = 50_000) -> None:
        self.max_docs = max_docs
        self._docs: OrderedDict[tuple[str, str], dict[str, int]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, collection: str, doc_id: str) -> dict[str, int] | None:
        versions = self._docs.get((collection, doc_id))
        if versions is not None:
            self._docs.move_to_end((collection, doc_id))
        return versions

    def remember(self, collection: str, doc_id: str, versions: dict[str, int]) -> None:
        key = (collection, doc_id)
        self._docs.setdefault(key, {}).update(versions)
        self._docs.move_to_end(key)
        while len(self._docs) > self.max_docs:
            self._docs.popitem(last=False)

    def clear(self) -> None:
        self._docs.clear()


class SisViews:
    """Applies batches of SIS events with as few and as cheap store operations as possible.

    Per batch the events are folded per document (the newest version of each section wins);
    each touched document is read by ``_id``; sections whose stored version is not older are
    stale; new documents are inserted whole in one ``insert_many``; existing ones get one
    ``$set`` of their newer sections, filtered by ``_id`` alone.

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
                 cache: VersionCache | None = None) -> None:
        self.db = db
        self.read_concurrency = read_concurrency
        self.cache = cache or VersionCache()

    async def ensure_indexes(self) -> None:
        students = self.db[STUDENTS]
        await students.create_index([("group_id", 1)])
        await students.create_index([("responsible_teacher_oid", 1)])
        await students.create_index([("unit_id", 1)])
        await self.db[GROUPS].create_index([("unit_id", 1)])
        await self.db[STAFF].create_index([("unit_ids", 1)])

    async def _read(self, collection: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        coll = self.db[collection]
        gate = asyncio.Semaphore(self.read_concurrency)

        async def one(doc_id: str) -> dict[str, Any] | None:
            async with gate:
                return await coll.find_one({"_id": doc_id})

        docs = await asyncio.gather(*(one(i) for i in ids))
        return {d["_id"]: d for d in docs if d is not None}

    async def apply(self, events: list[Any]) -> BatchOutcome:
        counts: Counter[tuple[str, str]] = Counter()
        rejected: list[WriteRejected] = []
        changes: dict[tuple[str, str], _DocChange] = {}
        for i, event in enumerate(events):
            update = view_update(event)
            change = changes.setdefault((update.collection, update.doc_id),
                                        _DocChange(update.collection, update.doc_id, {}))
            held = change.sections.get(update.version_path)
            if held is None or held[1].version < update.version:
                if held is not None:
                    counts[(events[held[0]].event_type, ApplyResult.STALE.value)] += 1
                change.sections[update.version_path] = (i, update)
            else:
                counts[(event.event_type, ApplyResult.STALE.value)] += 1
        by_collection: dict[str, list[_DocChange]] = defaultdict(list)
        for change in changes.values():
            by_collection[change.collection].append(change)
        for collection, docs in by_collection.items():
            stored: dict[str, dict[str, Any]] = {}
            unknown = []
            for change in docs:
                versions = self.cache.get(collection, change.doc_id)
                if versions is None:
                    unknown.append(change.doc_id)
                else:
                    stored[change.doc_id] = {"_id": change.doc_id, **nest(versions)}
            self.cache.hits += len(docs) - len(unknown)
            self.cache.misses += len(unknown)
            stored.update(await self._read(collection, unknown))
            inserts: list[tuple[_DocChange, list[tuple[int, ViewUpdate]]]] = []
            updates: list[tuple[_DocChange, list[tuple[int, ViewUpdate]]]] = []
            for change in docs:
                write, stale = change.newer_than(stored.get(change.doc_id))
                for index in stale:
                    counts[(events[index].event_type, ApplyResult.STALE.value)] += 1
                if write:
                    (updates if change.doc_id in stored else inserts).append((change, write))
            await self._insert(collection, inserts, events, counts, rejected)
            await self._update(collection, updates, events, counts, rejected)
        return BatchOutcome(counts, rejected)

    @staticmethod
    def _count(counts: Counter[tuple[str, str]], events: list[Any], sections: list[tuple[int, ViewUpdate]],
               result: ApplyResult) -> None:
        for index, _ in sections:
            counts[(events[index].event_type, result.value)] += 1

    async def _insert(self, collection: str, items: list[tuple[_DocChange, list[tuple[int, ViewUpdate]]]],
                      events: list[Any], counts: Counter[tuple[str, str]], rejected: list[WriteRejected]) -> None:
        if not items:
            return
        failed: dict[int, dict[str, Any]] = {}
        try:
            await self.db[collection].insert_many(
                [{"_id": change.doc_id, **nest(_DocChange.fields(write))} for change, write in items], ordered=False)
        except BulkWriteError as exc:
            failed = {e["index"]: e for e in exc.details.get("writeErrors", [])}
        for i, (change, write) in enumerate(items):
            error = failed.get(i)
            if error is None:
                self._count(counts, events, write, ApplyResult.APPLIED)
                self.cache.remember(collection, change.doc_id, {u.version_path: u.version for _, u in write})
            else:
                self._count(counts, events, write, ApplyResult.REJECTED)
                rejected += [WriteRejected(index, f"store refused the document: {error.get('errmsg')}")
                             for index, _ in write]

    async def _update(self, collection: str, items: list[tuple[_DocChange, list[tuple[int, ViewUpdate]]]],
                      events: list[Any], counts: Counter[tuple[str, str]], rejected: list[WriteRejected]) -> None:
        coll = self.db[collection]
        for start in range(0, len(items), WRITE_CHUNK):
            chunk = items[start:start + WRITE_CHUNK]
            try:
                await coll.bulk_write([UpdateOne({"_id": change.doc_id}, {"$set": _DocChange.fields(write)})
                                       for change, write in chunk], ordered=False)
                for change, write in chunk:
                    self._count(counts, events, write, ApplyResult.APPLIED)
                    self.cache.remember(collection, change.doc_id, {u.version_path: u.version for _, u in write})
                continue
            except (ConnectionFailure, NetworkTimeout):
                raise
            except (BulkWriteError, KeyError, PyMongoError):
                pass
            for change, write in chunk:  # one at a time, to tell the refused from the rest
                try:
                    await coll.update_one({"_id": change.doc_id}, {"$set": _DocChange.fields(write)})
                    self._count(counts, events, write, ApplyResult.APPLIED)
                    self.cache.remember(collection, change.doc_id, {u.version_path: u.version for _, u in write})
                except (ConnectionFailure, NetworkTimeout):
                    raise
                except PyMongoError as exc:
                    self._count(counts, events, write, ApplyResult.REJECTED)
                    rejected += [WriteRejected(index, f"store refused the update: {exc}") for index, _ in write]
