"""Hand-written fakes of the meetings service's ports (``handlers.py``) for its unit and in-memory
router tests: what the Mongo adapters do, in dictionaries. ``FakeMeetings.outbox`` holds the
events a completion staged, per meeting, as the ``Outgoing`` the domain built."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from hoks_meetings.domain.checklist import MeetingWork, RowDraft, StudentRecord
from hoks_meetings.domain.meeting_record import MeetingRecord
from hoks_meetings.domain.roster import on_roster
from hoks_shared.store.idempotent import ApplyResult
from hoks_shared.store.outbox_writes import Outgoing


class FakeMeetings:
    def __init__(self) -> None:
        self.records: dict[str, MeetingRecord] = {}
        self.work: dict[str, MeetingWork] = {}
        self.outbox: dict[str, list[Outgoing]] = {}
        self.applied: set[str] = set()

    async def get(self, meeting_id: str) -> MeetingRecord | None:
        return self.records.get(meeting_id)

    async def save(self, record: MeetingRecord, event_id: str) -> ApplyResult:
        if event_id in self.applied:
            return ApplyResult.DUPLICATE
        self.applied.add(event_id)
        self.records[record.meeting_id] = record
        return ApplyResult.APPLIED

    def add(self, record: MeetingRecord) -> MeetingRecord:
        self.records[record.meeting_id] = record
        return record

    async def load(self, meeting_id: str) -> tuple[MeetingRecord, MeetingWork] | None:
        record = self.records.get(meeting_id)
        return (record, self.work.get(meeting_id, MeetingWork())) if record else None

    def _work(self, meeting_id: str) -> MeetingWork:
        return self.work.setdefault(meeting_id, MeetingWork())

    async def save_row(self, meeting_id: str, row: RowDraft) -> None:
        work = self._work(meeting_id)
        self.work[meeting_id] = replace(work, rows={**work.rows, row.student_oid: row})

    async def save_attendance(self, meeting_id: str, attendance: dict[str, bool]) -> None:
        work = self._work(meeting_id)
        self.work[meeting_id] = replace(work, attendance={**work.attendance, **attendance})

    async def save_student_record(self, meeting_id: str, record: StudentRecord) -> None:
        self.work[meeting_id] = replace(self._work(meeting_id), student_record=record)

    async def complete(self, meeting_id: str, completed_by: str, completed_at: datetime,
                       events: Sequence[Outgoing]) -> bool:
        record = self.records[meeting_id]
        if record.status != "planned":
            return False
        self.records[meeting_id] = replace(record, status="held")
        self.work[meeting_id] = replace(self._work(meeting_id), completed_at=completed_at, completed_by=completed_by)
        self.outbox.setdefault(meeting_id, []).extend(events)
        return True

    async def for_person(self, person_oid: str, since: datetime) -> list[MeetingRecord]:
        return sorted((m for m in self.records.values() if m.participant(person_oid) and m.starts_at >= since),
                      key=lambda m: m.starts_at)

    async def for_units(self, unit_ids: set[str] | None, since: datetime) -> list[MeetingRecord]:
        return sorted((m for m in self.records.values()
                       if (unit_ids is None or m.unit_id in unit_ids) and m.starts_at >= since),
                      key=lambda m: m.starts_at)


class FakeDirectory:
    def __init__(self, docs: list[dict[str, Any]] | None = None, names: dict[str, str] | None = None) -> None:
        self.docs = {d["_id"]: d for d in docs or []}
        self.names = names or {}

    async def roster(self, group_id: str, responsible_teacher_oid: str | None) -> list[dict[str, Any]]:
        return sorted((d for d in self.docs.values() if on_roster(d, group_id, responsible_teacher_oid)),
                      key=lambda d: (d.get("display_name") or "", d["_id"]))

    async def students(self, student_oids: list[str]) -> list[dict[str, Any]]:
        return [self.docs[o] for o in student_oids if o in self.docs]

    async def staff_names(self, staff_oids: list[str]) -> dict[str, str]:
        return {oid: self.names[oid] for oid in staff_oids if oid in self.names}
