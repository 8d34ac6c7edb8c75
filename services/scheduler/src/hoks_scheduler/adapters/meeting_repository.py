"""The scheduler's meetings in its own database. A change of the plan is written through the
``Outbox`` seam: the meeting's new state and the event the change emits in one document write,
the relay woken after it."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from hoks_scheduler.domain.errors import StaleMeeting
from hoks_scheduler.domain.events import outgoing
from hoks_scheduler.domain.meeting import Meeting
from hoks_scheduler.domain.replanning import Change
from hoks_scheduler.domain.rounds import Seat
from hoks_shared.store.outbox import OUTBOX
from hoks_shared.store.outbox_writes import Insert, Outbox, Update

MEETINGS = "meetings"
PLAN_REPORTS = "plan_reports"
UNPLACED = "unplaced_requests"
PENDING = "pending_requests"
UNAVAILABILITY = "staff_unavailability"
CATCH_UP = "catch_up_starts"
ACCEPTED_MISSES = "accepted_misses"

log = logging.getLogger(__name__)


def to_doc(meeting: Meeting) -> dict[str, Any]:
    return {
        "kind": meeting.kind, "unit_id": meeting.unit_id, "academic_year": meeting.academic_year,
        "theme": meeting.theme, "day": meeting.day.isoformat(), "slot": meeting.slot,
        "starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat(),
        "participants": [{"person_oid": s.person_oid, "role": s.role, "required": s.required,
                          **({"tentative": True, "conflict": s.conflict} if s.tentative else {})}
                         for s in meeting.seats],
        "person_oids": list(meeting.person_oids),
        "group_id": meeting.group_id, "student_oid": meeting.student_oid, "round": meeting.round,
        "rounds_in_year": meeting.rounds_in_year,
        "responsible_teacher_oid": meeting.responsible_teacher_oid, "referral_id": meeting.referral_id,
        "status": meeting.status, "sequence": meeting.sequence, "by_hand": meeting.by_hand,
        **({"requested_at": meeting.requested_at.isoformat()} if meeting.requested_at else {}),
        **({"window": [d.isoformat() for d in meeting.window]} if meeting.window else {}),
    }


def from_doc(doc: dict[str, Any]) -> Meeting:
    return Meeting(
        meeting_id=doc["_id"], kind=doc["kind"], unit_id=doc["unit_id"], academic_year=doc["academic_year"],
        theme=doc["theme"], day=date.fromisoformat(doc["day"]), slot=doc["slot"],
        starts_at=datetime.fromisoformat(doc["starts_at"]), ends_at=datetime.fromisoformat(doc["ends_at"]),
        seats=tuple(Seat(p["person_oid"], p["role"], p.get("required", True), p.get("tentative", False),
                         p.get("conflict")) for p in doc["participants"]),
        group_id=doc.get("group_id"), student_oid=doc.get("student_oid"), round=doc.get("round"),
        rounds_in_year=doc.get("rounds_in_year"),
        responsible_teacher_oid=doc.get("responsible_teacher_oid"), referral_id=doc.get("referral_id"),
        status=doc["status"], sequence=doc["sequence"], by_hand=doc.get("by_hand", False),
        held_on=date.fromisoformat(doc["held_on"]) if doc.get("held_on") else None,
        requested_at=datetime.fromisoformat(doc["requested_at"]) if doc.get("requested_at") else None,
        window=(date.fromisoformat(doc["window"][0]), date.fromisoformat(doc["window"][1]))
        if doc.get("window") else None,
    )


def write_of(change: Change) -> Insert | Update:
    """A new meeting is inserted (no previous sequence); a changed one replaces the stored state
    only while its sequence is still the one the change was made from (the sequence guard)."""
    meeting = change.meeting
    if change.previous_sequence is None:
        return Insert({"_id": meeting.meeting_id, **to_doc(meeting)}, [outgoing(change)])
    return Update({"_id": meeting.meeting_id, "sequence": change.previous_sequence}, {"$set": to_doc(meeting)},
                  [outgoing(change)])


class MongoMeetingRepository:
    """Implements ``handlers.ports.MeetingStore``; ``outbox`` is ``runtime.outbox(MEETINGS)``."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], outbox: Outbox) -> None:
        self.outbox = outbox
        self.collection = db[MEETINGS]
        self.reports = db[PLAN_REPORTS]
        self.unplaced = db[UNPLACED]
        self.pending = db[PENDING]
        self.unavailability = db[UNAVAILABILITY]
        self.catch_up = db[CATCH_UP]
        self.misses = db[ACCEPTED_MISSES]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("academic_year", 1), ("unit_id", 1)])
        await self.collection.create_index([("person_oids", 1)])
        await self.collection.create_index([("day", 1)])

    async def get(self, meeting_id: str) -> Meeting | None:
        doc = await self.collection.find_one({"_id": meeting_id}, {OUTBOX: 0})
        return from_doc(doc) if doc else None

    async def find(self, *, academic_year: str | None = None, person_oid: str | None = None,
                   group_id: str | None = None, unit_id: str | None = None, student_oid: str | None = None,
                   day_from: date | None = None, day_to: date | None = None,
                   planned_only: bool = False, kind: str | None = None) -> list[Meeting]:
        query: dict[str, Any] = {}
        for key, value in (("academic_year", academic_year), ("person_oids", person_oid), ("group_id", group_id),
                           ("unit_id", unit_id), ("student_oid", student_oid), ("kind", kind)):
            if value is not None:
                query[key] = value
        days: dict[str, str] = {}
        if day_from is not None:
            days["$gte"] = day_from.isoformat()
        if day_to is not None:
            days["$lte"] = day_to.isoformat()
        if days:
            query["day"] = days
        if planned_only:
            query["status"] = "planned"
        docs = [d async for d in self.collection.find(query, {OUTBOX: 0})]
        return sorted((from_doc(d) for d in docs), key=lambda m: (m.starts_at, m.meeting_id))

    async def save(self, changes: Sequence[Change]) -> list[str]:
        """Each change with its event (see ``write_of``). Returns the ids written; one that was
        not (a meeting inserted meanwhile, or changed meanwhile: its guard matched nothing, so
        nothing was staged either) is skipped and logged."""
        outcome = await self.outbox.bulk([write_of(c) for c in changes])
        for index, code in sorted(outcome.failed.items()):
            log.warning("meeting not written", extra={"meeting_id": changes[index].meeting.meeting_id, "code": code})
        done = [c for n, c in enumerate(changes) if outcome.ok(n)]
        stale = await self._not_as_written(c.meeting for c in done if c.previous_sequence is not None)
        for meeting_id in sorted(stale):
            log.warning("meeting changed meanwhile; not written", extra={"meeting_id": meeting_id})
        return [c.meeting.meeting_id for c in done if c.meeting.meeting_id not in stale]

    async def _not_as_written(self, meetings: Iterable[Meeting]) -> set[str]:
        """The ids of ``meetings`` the store does not hold as given (an update's guard failed)."""
        wanted = {m.meeting_id: to_doc(m) for m in meetings}
        if not wanted:
            return set()
        stored = {d["_id"]: {k: d.get(k) for k in wanted[d["_id"]]} async for d in
                  self.collection.find({"_id": {"$in": list(wanted)}}, {OUTBOX: 0})}
        return {meeting_id for meeting_id, doc in wanted.items() if stored.get(meeting_id) != doc}

    async def mark_held(self, meeting_id: str, held_on: date) -> bool:
        """Recorded from ``meeting-held`` (not a change of the plan: no event of its own)."""
        result = await self.collection.update_one({"_id": meeting_id}, {"$set": {"held_on": held_on.isoformat()}})
        return result.matched_count == 1

    async def save_one(self, change: Change) -> None:
        """One change by hand; ``StaleMeeting`` when another writer changed the meeting first."""
        write = write_of(change)
        if isinstance(write, Insert):
            if not await self.save([change]):
                raise StaleMeeting(meeting_id=change.meeting.meeting_id)
            return
        result = await self.outbox.update(write.filter, write.update, write.events)
        if result.modified_count != 1:
            raise StaleMeeting(meeting_id=change.meeting.meeting_id)

    # ---- plan reports, unplaced requests, unavailability -------------------------------------
    async def save_report(self, report_id: str, report: dict[str, Any]) -> None:
        await self.reports.replace_one({"_id": report_id}, report, upsert=True)

    async def get_report(self, report_id: str) -> dict[str, Any] | None:
        return await self.reports.find_one({"_id": report_id})

    async def reports_for_year(self, academic_year: str) -> list[dict[str, Any]]:
        return [d async for d in self.reports.find({"academic_year": academic_year},
                                                   {"unit_ids": 1, "inputs_digest": 1, "academic_year": 1})]

    async def plan_reports(self, academic_year: str) -> list[dict[str, Any]]:
        """Every scope's latest report of the year (what was placed, what is left to decide)."""
        return [d async for d in self.reports.find({"academic_year": academic_year})]

    async def record_unplaced(self, meeting_id: str, record: dict[str, Any]) -> None:
        await self.unplaced.replace_one({"_id": meeting_id}, record, upsert=True)

    async def unplaced_requests(self) -> dict[str, dict[str, Any]]:
        return {d.pop("_id"): d async for d in self.unplaced.find({})}

    async def forget_unplaced(self, meeting_id: str) -> None:
        await self.unplaced.delete_one({"_id": meeting_id})

    async def hold_pending(self, meeting_id: str, record: dict[str, Any]) -> None:
        """The first arrival's record stays (a redelivery changes nothing)."""
        await self.pending.update_one({"_id": meeting_id}, {"$setOnInsert": record}, upsert=True)

    async def pending_requests(self) -> dict[str, dict[str, Any]]:
        return {d.pop("_id"): d async for d in self.pending.find({})}

    async def forget_pending(self, meeting_id: str) -> None:
        await self.pending.delete_one({"_id": meeting_id})

    async def unavailable_days(self) -> dict[str, set[date]]:
        return {d["_id"]: {date.fromisoformat(x) for x in d.get("days", [])}
                async for d in self.unavailability.find({})}

    async def set_unavailable(self, person_oid: str, days: list[date]) -> None:
        await self.unavailability.replace_one({"_id": person_oid}, {"days": sorted(d.isoformat() for d in days)},
                                              upsert=True)

    # ---- catch-ups and accepted misses (planning during the year) ----------------------------
    async def catch_up_starts(self, academic_year: str) -> dict[str, date]:
        """The first day of each group's catch-up in the year (kept so re-plans give the same windows)."""
        return {d["group_id"]: date.fromisoformat(d["from"])
                async for d in self.catch_up.find({"academic_year": academic_year})}

    async def save_catch_up_starts(self, academic_year: str, starts: dict[str, date]) -> None:
        for group_id, day in sorted(starts.items()):
            await self.catch_up.replace_one({"_id": f"{academic_year}:{group_id}"},
                                            {"academic_year": academic_year, "group_id": group_id,
                                             "from": day.isoformat()}, upsert=True)

    async def accepted_misses(self, academic_year: str) -> dict[str, dict[str, Any]]:
        return {d.pop("_id"): d async for d in self.misses.find({"academic_year": academic_year})}

    async def accept_miss(self, meeting_id: str, record: dict[str, Any]) -> None:
        await self.misses.replace_one({"_id": meeting_id}, record, upsert=True)

    async def forget_accepted_miss(self, meeting_id: str) -> None:
        await self.misses.delete_one({"_id": meeting_id})
