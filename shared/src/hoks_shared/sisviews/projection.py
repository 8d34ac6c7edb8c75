"""How each SIS event changes a service's SIS view: one guarded single-document update each."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
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

    def filter(self) -> dict[str, Any]:
        guard = {"$or": [{self.version_path: {"$exists": False}}, {self.version_path: {"$lt": self.version}}]}
        return {"_id": self.doc_id, **guard}

    def update(self) -> dict[str, Any]:
        return {"$set": {**self.fields, self.version_path: self.version}}

    def operation(self) -> UpdateOne:
        """Guarded and without upsert: a version that is not newer matches nothing."""
        return UpdateOne(self.filter(), self.update())


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


class SisViews:
    """Applies batches of SIS events with bulk writes that never rely on a write error.

    FerretDB 1.24 answers a bulk update that has a write error without ``nModified``, which
    PyMongo cannot read; so documents are first created where missing (``$setOnInsert``), then
    updated under their version guards without upsert: an update that is not newer simply
    matches nothing, and the matched count tells applied from stale.
    """

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.db = db

    async def ensure_indexes(self) -> None:
        students = self.db[STUDENTS]
        await students.create_index([("group_id", 1)])
        await students.create_index([("responsible_teacher_oid", 1)])
        await students.create_index([("unit_id", 1)])
        await self.db[GROUPS].create_index([("unit_id", 1)])

    async def _create_missing(self, collection: str, ids: set[str]) -> None:
        coll = self.db[collection]
        existing = {d["_id"] async for d in coll.find({"_id": {"$in": sorted(ids)}}, {"_id": 1})}
        missing = sorted(ids - existing)
        if missing:
            await coll.bulk_write(
                [UpdateOne({"_id": m}, {"$setOnInsert": {"_created": True}}, upsert=True) for m in missing],
                ordered=False,
            )

    async def _update(self, collection: str, updates: list[ViewUpdate]) -> tuple[int, list[WriteRejected]]:
        """Guarded updates in one bulk write; returns how many matched and which were refused."""
        coll = self.db[collection]
        try:
            result = await coll.bulk_write([u.operation() for u in updates], ordered=False)
            return result.matched_count, []
        except (BulkWriteError, KeyError):  # one at a time, to tell the refused from the rest
            pass
        applied, refused = 0, []
        for i, update in enumerate(updates):
            try:
                applied += (await coll.update_one(update.filter(), update.update())).matched_count
            except (ConnectionFailure, NetworkTimeout):
                raise
            except PyMongoError as exc:
                refused.append(WriteRejected(i, f"store refused the update: {exc}"))
        return applied, refused

    async def apply(self, events: list[Any]) -> BatchOutcome:
        updates = [view_update(e) for e in events]
        counts: Counter[tuple[str, str]] = Counter()
        rejected: list[WriteRejected] = []
        by_collection: dict[str, set[str]] = defaultdict(set)
        by_kind: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, (event, update) in enumerate(zip(events, updates, strict=True)):
            by_collection[update.collection].add(update.doc_id)
            by_kind[(update.collection, event.event_type)].append(i)
        for collection, ids in by_collection.items():
            await self._create_missing(collection, ids)
        for (collection, event_type), indexes in by_kind.items():
            applied, refused = await self._update(collection, [updates[i] for i in indexes])
            rejected += [WriteRejected(indexes[r.index], str(r)) for r in refused]
            counts[(event_type, ApplyResult.APPLIED.value)] += applied
            counts[(event_type, ApplyResult.REJECTED.value)] += len(refused)
            counts[(event_type, ApplyResult.STALE.value)] += len(indexes) - applied - len(refused)
        return BatchOutcome(counts, rejected)
