"""What the use cases need from the outside, as Protocols (the adapters implement them, the unit
tests' fakes in ``services/scheduler/tests/fakes.py`` too), and ``SchedulerDeps`` that bundles them.

The use cases are ``async def verb_noun(cmd, deps)``; the periodic passes
(``replan_changed``, ``retry_unknown_students``, ``place_settled_requests``) have no input and take ``deps`` only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from hoks_scheduler.domain.calendar import AcademicCalendar, CalendarConfig
from hoks_scheduler.domain.groups import Group
from hoks_scheduler.domain.meeting import Meeting
from hoks_scheduler.domain.planner import SolverSettings
from hoks_scheduler.domain.replanning import Change
from hoks_scheduler.domain.rules import RoundRules
from hoks_scheduler.domain.student_meetings import StudentMeetingRules


class Config(Protocol):
    """The scheduler's rules, and each academic year's calendar (with its public holidays)."""

    @property
    def calendar(self) -> CalendarConfig: ...
    @property
    def rules(self) -> RoundRules: ...
    @property
    def student_meetings(self) -> StudentMeetingRules: ...
    @property
    def solver(self) -> SolverSettings: ...
    def calendar_for(self, academic_year: str) -> AcademicCalendar: ...


class MeetingStore(Protocol):
    """The plan, and what planning remembers between runs. ``save``/``save_one`` write each
    change with the event it emits (the domain's ``events.outgoing``) in one write."""

    async def get(self, meeting_id: str) -> Meeting | None: ...
    async def find(self, *, academic_year: str | None = None, person_oid: str | None = None,
                   group_id: str | None = None, unit_id: str | None = None, student_oid: str | None = None,
                   day_from: date | None = None, day_to: date | None = None,
                   planned_only: bool = False, kind: str | None = None) -> list[Meeting]: ...
    async def save(self, changes: Sequence[Change]) -> list[str]:
        """The ids written: a new meeting already there, or a changed one whose sequence moved on,
        is skipped."""
    async def save_one(self, change: Change) -> None:
        """Raises ``domain.errors.StaleMeeting`` when the meeting changed since it was read."""
    async def mark_held(self, meeting_id: str, held_on: date) -> bool: ...
    async def save_report(self, report_id: str, report: dict[str, Any]) -> None: ...
    async def get_report(self, report_id: str) -> dict[str, Any] | None: ...
    async def reports_for_year(self, academic_year: str) -> list[dict[str, Any]]: ...
    async def plan_reports(self, academic_year: str) -> list[dict[str, Any]]: ...
    async def record_unplaced(self, meeting_id: str, record: dict[str, Any]) -> None: ...
    async def unplaced_requests(self) -> dict[str, dict[str, Any]]: ...
    async def forget_unplaced(self, meeting_id: str) -> None: ...
    async def hold_pending(self, meeting_id: str, record: dict[str, Any]) -> None:
        """A request settling (not placed yet); the same id again changes nothing (idempotent)."""
    async def pending_requests(self) -> dict[str, dict[str, Any]]: ...
    async def forget_pending(self, meeting_id: str) -> None: ...
    async def unavailable_days(self) -> dict[str, set[date]]: ...
    async def set_unavailable(self, person_oid: str, days: list[date]) -> None: ...
    async def catch_up_starts(self, academic_year: str) -> dict[str, date]: ...
    async def save_catch_up_starts(self, academic_year: str, starts: dict[str, date]) -> None: ...
    async def accepted_misses(self, academic_year: str) -> dict[str, dict[str, Any]]: ...
    async def accept_miss(self, meeting_id: str, record: dict[str, Any]) -> None: ...
    async def forget_accepted_miss(self, meeting_id: str) -> None: ...


class GroupSource(Protocol):
    """Teaching groups as the SIS view holds them."""

    async def get(self, group_id: str) -> Group | None: ...
    async def active(self, unit_ids: list[str] | None = None) -> list[Group]: ...
    async def inactive_staff(self) -> set[str]: ...


class StudentPlacement(Protocol):
    """Where a student belongs: the group (its counselor) and the responsible teacher."""

    @property
    def student_oid(self) -> str: ...
    @property
    def group_id(self) -> str: ...
    @property
    def unit_id(self) -> str: ...
    @property
    def responsible_teacher_oid(self) -> str: ...


class StudentSource(Protocol):
    async def get(self, student_oid: str) -> StudentPlacement | None: ...


@dataclass
class SchedulerDeps:
    config: Config
    meetings: MeetingStore
    groups: GroupSource
    students: StudentSource
    today: Callable[[], date] = field(default=lambda: datetime.now(UTC).date())
    #: The time a student-level request is made at (a referral brings its own ``made_at``).
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    #: How long a referral's request waits after it arrived before it is placed
    #: (``domain.student_meetings.settled``); 0 places it at once.
    settle: timedelta = timedelta(0)
