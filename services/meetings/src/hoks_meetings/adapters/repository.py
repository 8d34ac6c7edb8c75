"""Meeting records in the document store: one document per meeting, holding the calendar part
(from the scheduler's events), what the meeting recorded (checklist rows, attendance, the
student-level record) and the outbox of the events its completion emits.

Lists of meetings per person and per unit are kept in ``meeting_index`` (read by ``_id``).
Row saves and attendance write one field of the document by ``_id`` (FerretDB pushes only an
exact ``_id`` filter down). Completion is one conditional update: status ``planned`` → ``held``
together with the staged events, so a meeting is completed, and its events emitted, once. It is
written through the service's ``Outbox`` (``runtime.outbox(MEETINGS)``), which stages the events
in that same write and wakes the relay after it.

Implements the ports ``MeetingRepository`` / ``MeetingWorkRepository`` of ``handlers.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import UTC, date, datetime, time
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from hoks_meetings.domain.checklist import AgreedAction, MeetingWork, RowDraft, StudentRecord
from hoks_meetings.domain.meeting_record import MeetingRecord, Participant
from hoks_shared.sisviews.projection import field_key
from hoks_shared.store.idempotent import ApplyResult, apply_once
from hoks_shared.store.outbox import OUTBOX
from hoks_shared.store.outbox_writes import Outbox, Outgoing

MEETINGS = "meetings"
#: Meetings listed per participant (``person:<oid>``) and per unit and month of the meeting
#: (``unit:<id>:<yyyy-mm>``: a unit's list grows by hundreds of meetings a year, and FerretDB
#: rewrites a whole document on every change; ``unit:<id>`` is the older list of all months).
MEETING_INDEX = "meeting_index"
_SUMMARY = {"_applied": 0, OUTBOX: 0, "checklist": 0}
_RECORD_FIELDS = {f.name for f in fields(MeetingRecord)}


def _to_doc(record: MeetingRecord) -> dict[str, Any]:
    doc = asdict(record)
    doc.pop("meeting_id")
    return doc


def _from_doc(doc: dict[str, Any]) -> MeetingRecord:
    data = {k: v for k, v in doc.items() if k in _RECORD_FIELDS and k != "meeting_id"}
    data["participants"] = tuple(Participant(**p) for p in data.get("participants", ()))
    return MeetingRecord(meeting_id=doc["_id"], **data)


def _row_to_doc(row: RowDraft) -> dict[str, Any]:
    doc = asdict(row)
    doc["theme_flags"] = list(row.theme_flags)
    doc["signals"] = list(row.signals)
    return doc


def _row_from_doc(doc: dict[str, Any]) -> RowDraft:
    data = {k: v for k, v in doc.items() if k in {f.name for f in fields(RowDraft)}}
    data["theme_flags"] = tuple(data.get("theme_flags", ()))
    data["signals"] = tuple(data.get("signals", ()))
    return RowDraft(**data)


def _record_to_doc(record: StudentRecord) -> dict[str, Any]:
    return {"hoks_update": record.hoks_update,
            "actions": [{"action_code": a.action_code, "owner_oid": a.owner_oid,
                         "due_date": datetime.combine(a.due_date, time())} for a in record.actions],
            "referral_outcome": record.referral_outcome}


def _record_from_doc(doc: dict[str, Any] | None) -> StudentRecord | None:
    if not doc:
        return None
    def day(v: Any) -> date:
        return v.date() if isinstance(v, datetime) else date.fromisoformat(str(v)[:10])
    return StudentRecord(doc["hoks_update"], tuple(AgreedAction(a["action_code"], a["owner_oid"], day(a["due_date"]))
                                                  for a in doc.get("actions", ())), doc.get("referral_outcome"))


def work_from_doc(doc: dict[str, Any]) -> MeetingWork:
    return MeetingWork(
        rows={r["student_oid"]: _row_from_doc(r) for r in (doc.get("checklist") or {}).values()},
        attendance={a["person_oid"]: bool(a["present"]) for a in (doc.get("attendance") or {}).values()},
        student_record=_record_from_doc(doc.get("student_record")),
        completed_at=doc.get("completed_at"),
        completed_by=doc.get("completed_by"),
    )


#: how far ahead a unit's meeting list reaches (an academic year and a month)
UNIT_LIST_MONTHS = 13


def unit_key(unit_id: str, when: datetime) -> str:
    return f"unit:{unit_id}:{when.astimezone(UTC):%Y-%m}"


def months_from(start: datetime, count: int) -> list[datetime]:
    first = start.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return [first.replace(year=first.year + (first.month - 1 + i) // 12, month=(first.month - 1 + i) % 12 + 1)
            for i in range(count)]


class MongoMeetingRepository:
    """``outbox`` writes to ``meetings`` (from ``runtime.outbox(MEETINGS)``); reads go to its collection."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], outbox: Outbox) -> None:
        if outbox.name != MEETINGS:
            raise ValueError(f"the meetings repository writes through the outbox of {MEETINGS!r}, not {outbox.name!r}")
        self.outbox = outbox
        self.collection = outbox.collection
        self.index = db[MEETING_INDEX]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("group_id", 1), ("starts_at", 1)])
        await self.collection.create_index([("student_oid", 1)])

    async def get(self, meeting_id: str) -> MeetingRecord | None:
        doc = await self.collection.find_one({"_id": meeting_id}, {"_applied": 0, OUTBOX: 0})
        return _from_doc(doc) if doc else None

    async def save(self, record: MeetingRecord, event_id: str) -> ApplyResult:
        result = await apply_once(self.collection, record.meeting_id, event_id, {"$set": _to_doc(record)})
        await self._index(record)  # also on a duplicate: a crash may have come between the two writes
        return result

    async def _index(self, record: MeetingRecord) -> None:
        """List the meeting under each participant and its unit (read by ``_id``: no scans)."""
        entry = {f"m.{field_key(record.meeting_id)}": {"id": record.meeting_id, "starts_at": record.starts_at}}
        keys = [f"person:{p.person_oid}" for p in record.participants] + [unit_key(record.unit_id, record.starts_at)]
        await self.index.bulk_write([UpdateOne({"_id": k}, {"$set": entry}, upsert=True) for k in keys],
                                    ordered=False)

    async def _listed(self, key: str, since: datetime) -> list[MeetingRecord]:
        listed = await self.index.find_one({"_id": key})
        ids = [e["id"] for e in (listed or {}).get("m", {}).values() if e["starts_at"] >= since]
        docs = await asyncio.gather(*(self.collection.find_one({"_id": i}, _SUMMARY) for i in ids))
        return [_from_doc(d) for d in docs if d is not None]

    async def load(self, meeting_id: str) -> tuple[MeetingRecord, MeetingWork] | None:
        doc = await self.collection.find_one({"_id": meeting_id}, {"_applied": 0, OUTBOX: 0})
        return (_from_doc(doc), work_from_doc(doc)) if doc else None

    async def save_row(self, meeting_id: str, row: RowDraft) -> None:
        await self.collection.update_one(
            {"_id": meeting_id}, {"$set": {f"checklist.{field_key(row.student_oid)}": _row_to_doc(row)}})

    async def save_attendance(self, meeting_id: str, attendance: dict[str, bool]) -> None:
        if attendance:
            await self.collection.update_one({"_id": meeting_id}, {"$set": {
                f"attendance.{field_key(oid)}": {"person_oid": oid, "present": present}
                for oid, present in attendance.items()}})

    async def save_student_record(self, meeting_id: str, record: StudentRecord) -> None:
        await self.collection.update_one({"_id": meeting_id}, {"$set": {"student_record": _record_to_doc(record)}})

    async def complete(self, meeting_id: str, completed_by: str, completed_at: datetime,
                       events: Sequence[Outgoing]) -> bool:
        result = await self.outbox.update(
            {"_id": meeting_id, "status": "planned"},
            {"$set": {"status": "held", "completed_by": completed_by, "completed_at": completed_at}},
            events,
        )
        return result.modified_count == 1

    async def for_person(self, person_oid: str, since: datetime) -> list[MeetingRecord]:
        found = await self._listed(f"person:{person_oid}", since)
        # a reschedule may have taken the person off: the meeting's own record decides
        return sorted((m for m in found if m.participant(person_oid) and m.starts_at >= since),
                      key=lambda m: m.starts_at)

    async def for_units(self, unit_ids: set[str] | None, since: datetime) -> list[MeetingRecord]:
        if unit_ids is None:  # a director: every unit (a scan; rare)
            cursor = self.collection.find({"starts_at": {"$gte": since}}, _SUMMARY)
            found = [_from_doc(d) async for d in cursor]
        else:
            keys = [f"unit:{unit}" for unit in sorted(unit_ids)] + [
                unit_key(unit, month) for unit in sorted(unit_ids) for month in months_from(since, UNIT_LIST_MONTHS)]
            listed = await asyncio.gather(*(self._listed(key, since) for key in keys))
            found = list({m.meeting_id: m for part in listed for m in part}.values())
        return sorted((m for m in found if m.starts_at >= since), key=lambda m: m.starts_at)
