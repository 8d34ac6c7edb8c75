"""Meeting records in the document store (one document per meeting)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase

from hoks_meetings.domain.meeting_record import MeetingRecord, Participant
from hoks_shared.store.idempotent import ApplyResult, apply_once

MEETINGS = "meetings"


class MeetingRepository(Protocol):
    async def get(self, meeting_id: str) -> MeetingRecord | None: ...

    async def save(self, record: MeetingRecord, event_id: str) -> ApplyResult: ...


def _to_doc(record: MeetingRecord) -> dict[str, Any]:
    doc = asdict(record)
    doc.pop("meeting_id")
    return doc


def _from_doc(doc: dict[str, Any]) -> MeetingRecord:
    fields = {k: v for k, v in doc.items() if not k.startswith("_")}
    fields["participants"] = tuple(Participant(**p) for p in fields.get("participants", ()))
    return MeetingRecord(meeting_id=doc["_id"], **fields)


class MongoMeetingRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db[MEETINGS]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("group_id", 1), ("starts_at", 1)])
        await self.collection.create_index([("student_oid", 1)])

    async def get(self, meeting_id: str) -> MeetingRecord | None:
        doc = await self.collection.find_one({"_id": meeting_id}, {"_applied": 0})
        return _from_doc(doc) if doc else None

    async def save(self, record: MeetingRecord, event_id: str) -> ApplyResult:
        return await apply_once(self.collection, record.meeting_id, event_id, {"$set": _to_doc(record)})
