"""In-memory stand-ins for the scheduler's ports (``handlers/ports.py``): the store, the SIS views.

``FakeMeetings.outbox`` holds what the real store stages through the ``Outbox`` seam: each
change's event as ``domain.events.outgoing`` builds it, in the order written."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from collections.abc import Sequence
from datetime import UTC, datetime

from hoks_scheduler.adapters.config_files import load_config
from hoks_scheduler.adapters.student_reader import StudentPlacement
from hoks_scheduler.domain.errors import StaleMeeting
from hoks_scheduler.domain.events import outgoing
from hoks_scheduler.domain.groups import Group
from hoks_scheduler.domain.meeting import Meeting
from hoks_scheduler.domain.replanning import Change
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_shared.contracts.meetings import MeetingHeld
from hoks_shared.store.outbox_writes import Outgoing

COUNSELOR = "1.2.246.562.24.20000000001"
TEACHER = "1.2.246.562.24.20000000002"
SPECIAL = "1.2.246.562.24.20000000003"
CURATOR = "1.2.246.562.24.20000000004"
STUDENT = "1.2.246.562.24.30000000001"


class FakeMeetings:
    def __init__(self) -> None:
        self.docs: dict[str, Meeting] = {}
        self.outbox: list[dict[str, Any]] = []
        #: What the real store stages through the Outbox seam, in the order written.
        self.staged: list[Outgoing] = []
        self.reports: dict[str, dict[str, Any]] = {}
        self.unplaced: dict[str, dict[str, Any]] = {}
        self.pending: dict[str, dict[str, Any]] = {}
        self.away: dict[str, set[date]] = {}
        self.catch_up: dict[str, dict[str, date]] = {}
        self.misses: dict[str, dict[str, Any]] = {}

    async def get(self, meeting_id: str) -> Meeting | None:
        return self.docs.get(meeting_id)

    async def find(self, *, academic_year=None, person_oid=None, group_id=None, unit_id=None, student_oid=None,
                   day_from=None, day_to=None, planned_only=False, kind=None) -> list[Meeting]:
        out = [m for m in self.docs.values()
               if (academic_year is None or m.academic_year == academic_year)
               and (person_oid is None or person_oid in m.person_oids)
               and (group_id is None or m.group_id == group_id) and (unit_id is None or m.unit_id == unit_id)
               and (student_oid is None or m.student_oid == student_oid)
               and (day_from is None or m.day >= day_from) and (day_to is None or m.day <= day_to)
               and (not planned_only or m.planned) and (kind is None or m.kind == kind)]
        return sorted(out, key=lambda m: (m.starts_at, m.meeting_id))

    async def save(self, changes: Sequence[Change]) -> list[str]:
        written = []
        for change in changes:
            meeting, previous = change.meeting, change.previous_sequence
            current = self.docs.get(meeting.meeting_id)
            if (previous is None and current is not None) or (previous is not None and
                                                              (current is None or current.sequence != previous)):
                continue
            self.docs[meeting.meeting_id] = meeting
            self.staged.append(outgoing(change))
            self.outbox.append(entry(change))
            written.append(meeting.meeting_id)
        return written

    async def mark_held(self, meeting_id: str, held_on: date) -> bool:
        if meeting_id not in self.docs:
            return False
        self.docs[meeting_id] = replace(self.docs[meeting_id], held_on=held_on)
        return True

    async def save_one(self, change: Change) -> None:
        if not await self.save([change]):
            raise StaleMeeting(meeting_id=change.meeting.meeting_id)

    async def save_report(self, report_id: str, report: dict[str, Any]) -> None:
        self.reports[report_id] = report

    async def get_report(self, report_id: str) -> dict[str, Any] | None:
        return dict(self.reports[report_id]) if report_id in self.reports else None

    async def reports_for_year(self, academic_year: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.reports.values() if r["academic_year"] == academic_year]

    async def plan_reports(self, academic_year: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.reports.values() if r["academic_year"] == academic_year]

    async def record_unplaced(self, meeting_id: str, record: dict[str, Any]) -> None:
        self.unplaced[meeting_id] = record

    async def unplaced_requests(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self.unplaced.items()}

    async def forget_unplaced(self, meeting_id: str) -> None:
        self.unplaced.pop(meeting_id, None)

    async def hold_pending(self, meeting_id: str, record: dict[str, Any]) -> None:
        self.pending.setdefault(meeting_id, dict(record))

    async def pending_requests(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self.pending.items()}

    async def forget_pending(self, meeting_id: str) -> None:
        self.pending.pop(meeting_id, None)

    async def unavailable_days(self) -> dict[str, set[date]]:
        return {k: set(v) for k, v in self.away.items()}

    async def set_unavailable(self, person_oid: str, days: list[date]) -> None:
        self.away[person_oid] = set(days)

    async def catch_up_starts(self, academic_year: str) -> dict[str, date]:
        return dict(self.catch_up.get(academic_year, {}))

    async def save_catch_up_starts(self, academic_year: str, starts: dict[str, date]) -> None:
        self.catch_up.setdefault(academic_year, {}).update(starts)

    async def accepted_misses(self, academic_year: str) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self.misses.items() if v["academic_year"] == academic_year}

    async def accept_miss(self, meeting_id: str, record: dict[str, Any]) -> None:
        self.misses[meeting_id] = dict(record)

    async def forget_accepted_miss(self, meeting_id: str) -> None:
        self.misses.pop(meeting_id, None)

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return [e["body"] for e in self.outbox if event_type is None or e["body"]["event_type"] == event_type]


@dataclass
class FakeGroups:
    groups: dict[str, Group] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)

    async def inactive_staff(self) -> set[str]:
        return set(self.gone)

    async def get(self, group_id: str) -> Group | None:
        return self.groups.get(group_id)

    async def active(self, unit_ids: list[str] | None = None) -> list[Group]:
        return [g for g in self.groups.values() if g.active and (unit_ids is None or g.unit_id in unit_ids)]


@dataclass
class FakeStudents:
    students: dict[str, StudentPlacement] = field(default_factory=dict)

    async def get(self, student_oid: str) -> StudentPlacement | None:
        return self.students.get(student_oid)


def entry(change: Change) -> dict[str, Any]:
    """The change's event as the outbox would stage it (id, body, key)."""
    out = outgoing(change)
    return {"id": out.event_id, "body": out.event.model_dump(mode="json"), "key": out.event.partition_key()}


def group(group_id: str = "TVO24A", **over: Any) -> Group:
    data: dict[str, Any] = dict(
        group_id=group_id, unit_id="unit-tech", study_type="pt", start_date=date(2024, 8, 12),
        planned_end_date=date(2027, 5, 31), responsible_teacher_oids=(TEACHER,), counselor_oid=COUNSELOR,
        special_needs_teacher_oid=SPECIAL, curator_oid=CURATOR, active=True)
    data.update(over)
    return Group(**data)


def deps(today: date = date(2026, 8, 1), groups: list[Group] | None = None,
         students: list[StudentPlacement] | None = None) -> SchedulerDeps:
    return SchedulerDeps(
        config=load_config(), meetings=FakeMeetings(),
        groups=FakeGroups({g.group_id: g for g in (groups if groups is not None else [group()])}),
        students=FakeStudents({s.student_oid: s for s in students or []}), today=lambda: today,
        now=lambda: datetime.combine(today, datetime.min.time(), tzinfo=UTC),
    )


def held(meeting_id: str, on: date) -> MeetingHeld:
    """``meeting-held`` as the meetings service publishes it for one of the scheduler's meetings."""
    return MeetingHeld(meeting_id=meeting_id, kind="group", unit_id="unit-tech", group_id="TVO24A",
                       academic_year="2026-2027", round=1, theme="study-progress", held_on=on,
                       attendance=[{"person_oid": COUNSELOR, "role": "counselor", "present": True}])
