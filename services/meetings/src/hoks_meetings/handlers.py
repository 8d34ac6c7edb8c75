"""Use cases of the meetings service: ``async def verb_noun(cmd, deps)``, no HTTP, no store.

Each takes a small command and the service's ``Deps`` (the ports below, the clock and the
provider's rules) and raises the domain's errors (``domain/errors.py``) when a rule refuses;
the adapters implement the ports and map the errors at their edge. Nothing here imports
``adapters``: a use case reads the same from the HTTP API, the pages or a Kafka consumer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from hoks_meetings.domain.access import Viewer, can_edit, can_view
from hoks_meetings.domain.checklist import (
    MeetingWork,
    RowDraft,
    RowInput,
    StudentRecord,
    check_attendance,
    check_complete,
    check_row,
    check_student_record,
    ensure_open,
    suggested_items,
)
from hoks_meetings.domain.errors import MeetingClosed, MeetingNotFound, NotAnEditor
from hoks_meetings.domain.meeting_record import MeetingRecord, apply_change
from hoks_meetings.domain.outcome_events import completion_events
from hoks_meetings.domain.roster import on_checklist, responsible_teacher, teacher_of_record
from hoks_meetings.domain.student_facts import StudentFacts, facts_from_view
from hoks_meetings.domain.suggestions import Suggestion, SuggestionRules, suggest
from hoks_meetings.domain.themes import agenda_for
from hoks_meetings.domain.timing import check_may_complete, local_date, start_of_local_day
from hoks_shared.contracts.meetings import MeetingCancelled, MeetingRescheduled, MeetingScheduled
from hoks_shared.store.idempotent import ApplyResult
from hoks_shared.store.outbox_writes import Outgoing

log = logging.getLogger(__name__)

#: The provider's time zone (pages and rules: HOKS_UI_TIME_ZONE) and the completion window's default.
PROVIDER_ZONE = ZoneInfo("Europe/Helsinki")
DEFAULT_COMPLETE_EARLY = timedelta(minutes=30)


# ---- ports (implemented by adapters/repository.py and adapters/student_view.py; fakes in tests/)

class MeetingRepository(Protocol):
    """What the calendar consumer needs: a meeting record, saved once per event."""

    async def get(self, meeting_id: str) -> MeetingRecord | None: ...

    async def save(self, record: MeetingRecord, event_id: str) -> ApplyResult: ...


class MeetingWorkRepository(MeetingRepository, Protocol):
    """Meeting records with what they recorded; ``complete`` marks a planned meeting held and
    stages its events in the same write (False when it was no longer planned)."""

    async def load(self, meeting_id: str) -> tuple[MeetingRecord, MeetingWork] | None: ...

    async def save_row(self, meeting_id: str, row: RowDraft) -> None: ...

    async def save_attendance(self, meeting_id: str, attendance: dict[str, bool]) -> None: ...

    async def save_student_record(self, meeting_id: str, record: StudentRecord) -> None: ...

    async def complete(self, meeting_id: str, completed_by: str, completed_at: datetime,
                       events: Sequence[Outgoing]) -> bool: ...

    async def for_person(self, person_oid: str, since: datetime) -> list[MeetingRecord]: ...

    async def for_units(self, unit_ids: set[str] | None, since: datetime) -> list[MeetingRecord]: ...


class StudentDirectory(Protocol):
    """The service's SIS view: students as view documents, staff by name."""

    async def roster(self, group_id: str, responsible_teacher_oid: str | None) -> list[dict[str, Any]]:
        """The active students of the group (of that responsible teacher), as SIS view documents."""
        ...

    async def students(self, student_oids: list[str]) -> list[dict[str, Any]]: ...

    async def staff_names(self, staff_oids: list[str]) -> dict[str, str]: ...


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    meetings: MeetingWorkRepository
    directory: StudentDirectory
    clock: Callable[[], datetime] = _now
    rules: SuggestionRules = SuggestionRules()
    #: how long before its start a meeting may be completed (HOKS_MEETINGS_COMPLETE_EARLY_MINUTES)
    complete_early: timedelta = DEFAULT_COMPLETE_EARLY
    #: the provider's time zone: "today" and dates are decided in it (HOKS_UI_TIME_ZONE)
    zone: tzinfo = PROVIDER_ZONE

    def start_of_today(self) -> datetime:
        """Midnight of the provider's day (not the UTC day: at 00:30 in Helsinki it is already tomorrow)."""
        return start_of_local_day(self.clock(), self.zone)


# ---- commands and results

@dataclass(frozen=True)
class RecordCalendarChange:
    event: MeetingScheduled | MeetingRescheduled | MeetingCancelled
    event_id: str


@dataclass(frozen=True)
class ListMyMeetings:
    viewer: Viewer


@dataclass(frozen=True)
class OpenMeeting:
    meeting_id: str
    viewer: Viewer


@dataclass(frozen=True)
class SaveRow:
    meeting_id: str
    student_oid: str
    row: RowInput
    viewer: Viewer


@dataclass(frozen=True)
class RecordAttendance:
    meeting_id: str
    attendance: dict[str, bool]
    viewer: Viewer


@dataclass(frozen=True)
class RecordStudentOutcome:
    meeting_id: str
    record: StudentRecord
    viewer: Viewer


@dataclass(frozen=True)
class CompleteMeeting:
    meeting_id: str
    viewer: Viewer


@dataclass(frozen=True)
class ChecklistLine:
    facts: StudentFacts
    suggestion: Suggestion
    row: RowDraft | None  # what staff confirmed so far


@dataclass(frozen=True)
class MeetingView:
    meeting: MeetingRecord
    work: MeetingWork
    agenda: tuple[str, ...]
    lines: list[ChecklistLine]
    can_edit: bool

    @property
    def confirmed(self) -> int:
        return sum(1 for line in self.lines if line.row is not None)


@dataclass(frozen=True)
class Completion:
    meeting_id: str
    event_ids: list[str]
    rows: int
    referrals: int


# ---- use cases

async def record_calendar_change(cmd: RecordCalendarChange, deps: Deps) -> ApplyResult:
    """Keep the meeting record in step with the scheduler's calendar."""
    current = await deps.meetings.get(cmd.event.meeting_id)
    changed = apply_change(current, cmd.event)
    if changed is None:
        return ApplyResult.STALE
    return await deps.meetings.save(changed, cmd.event_id)


async def my_meetings(cmd: ListMyMeetings, deps: Deps) -> list[MeetingRecord]:
    """Today's and upcoming meetings where the signed-in person takes part; for an education
    manager or director, those of their units."""
    viewer = cmd.viewer
    if viewer.staff_oid is None:
        return []
    since = deps.start_of_today()
    mine = await deps.meetings.for_person(viewer.staff_oid, since)
    if viewer.roles & {"education-manager", "director"}:
        units = None if viewer.all_units else set(viewer.unit_ids)
        seen = {m.meeting_id for m in mine}
        mine += [m for m in await deps.meetings.for_units(units, since) if m.meeting_id not in seen]
        mine.sort(key=lambda m: m.starts_at)
    return [m for m in mine if m.status != "cancelled"]


async def open_meeting(cmd: OpenMeeting, deps: Deps) -> MeetingView:
    """The meeting with its agenda and a checklist line (facts, suggestion, confirmed row) per student."""
    meeting, work = await _visible(cmd.meeting_id, cmd.viewer, deps)
    today = local_date(deps.clock(), deps.zone)
    lines = []
    for doc in await _roster_docs(meeting, deps):
        facts = facts_from_view(doc, today)
        lines.append(ChecklistLine(facts, suggest(facts, meeting.theme, today, deps.rules),
                                   work.rows.get(facts.student_oid)))
    return MeetingView(meeting, work, agenda_for(meeting.kind, meeting.theme), lines,
                       can_edit(meeting, cmd.viewer) and meeting.status == "planned")


async def save_row(cmd: SaveRow, deps: Deps) -> RowDraft:
    """Autosave one student's row (a draft until the meeting is completed)."""
    meeting = await _editable(cmd.meeting_id, cmd.viewer, deps)
    docs = [d for d in await deps.directory.students([cmd.student_oid]) if on_checklist(meeting, d)]
    now = deps.clock()
    today = local_date(now, deps.zone)  # the same day the page's suggestions were made on
    facts = facts_from_view(docs[0], today) if docs else StudentFacts(cmd.student_oid)
    suggestion = suggest(facts, meeting.theme, today, deps.rules)
    row = RowDraft(student_oid=cmd.student_oid, **cmd.row.__dict__, suggested=suggested_items(suggestion),
                   signals=suggestion.signals, study_type=facts.study_type, saved_by=cmd.viewer.staff_oid,
                   saved_at=now)
    row = check_row(meeting, {d["_id"] for d in docs}, row)
    await deps.meetings.save_row(cmd.meeting_id, row)
    log.info("checklist row saved", extra={"meeting_id": cmd.meeting_id, "overridden": list(row.overridden())})
    return row


async def record_attendance(cmd: RecordAttendance, deps: Deps) -> MeetingWork:
    meeting, work = await _visible(cmd.meeting_id, cmd.viewer, deps)
    _may_edit(meeting, cmd.viewer)
    check_attendance(meeting, cmd.attendance)
    await deps.meetings.save_attendance(cmd.meeting_id, cmd.attendance)
    return replace(work, attendance={**work.attendance, **cmd.attendance})


async def record_student_outcome(cmd: RecordStudentOutcome, deps: Deps) -> StudentRecord:
    meeting = await _editable(cmd.meeting_id, cmd.viewer, deps)
    check_student_record(meeting, cmd.record)
    await deps.meetings.save_student_record(cmd.meeting_id, cmd.record)
    return cmd.record


async def complete_meeting(cmd: CompleteMeeting, deps: Deps) -> Completion:
    """Validate every row and complete: the events the domain builds (``checklist-completed``,
    ``meeting-held``) are staged by the same write that marks the meeting held. Not before the
    meeting has started (``deps.complete_early`` before its start at the earliest)."""
    meeting, work = await _visible(cmd.meeting_id, cmd.viewer, deps)
    _may_edit(meeting, cmd.viewer)
    ensure_open(meeting)
    now = deps.clock()
    check_may_complete(meeting, now, deps.complete_early, deps.zone)
    docs = await _roster_docs(meeting, deps)
    rows = check_complete(meeting, [d["_id"] for d in docs], work)
    completed_by = cmd.viewer.staff_oid
    assert completed_by is not None  # an editor is a participant, so signed in as staff
    teacher = teacher_of_record(meeting, docs, completed_by)
    events = completion_events(meeting, work, rows, responsible_teacher_oid=teacher, completed_by=completed_by,
                               completed_at=now, zone=deps.zone)
    if not await deps.meetings.complete(cmd.meeting_id, completed_by, now, events):
        raise MeetingClosed("the meeting is already completed")
    referrals = sum(1 for r in rows if r.outcome == "referral")
    log.info("meeting completed", extra={"meeting_id": cmd.meeting_id, "rows": len(rows), "referrals": referrals})
    return Completion(cmd.meeting_id, [e.event_id for e in events if e.event_id], len(rows), referrals)


# ---- helpers of the use cases

async def _visible(meeting_id: str, viewer: Viewer, deps: Deps) -> tuple[MeetingRecord, MeetingWork]:
    loaded = await deps.meetings.load(meeting_id)
    if loaded is None or not can_view(loaded[0], viewer):
        raise MeetingNotFound()
    return loaded


def _may_edit(meeting: MeetingRecord, viewer: Viewer) -> None:
    if not can_edit(meeting, viewer):
        raise NotAnEditor()


async def _editable(meeting_id: str, viewer: Viewer, deps: Deps) -> MeetingRecord:
    meeting, _ = await _visible(meeting_id, viewer, deps)
    _may_edit(meeting, viewer)
    return meeting


async def _roster_docs(meeting: MeetingRecord, deps: Deps) -> list[dict[str, Any]]:
    if meeting.kind == "student":
        return await deps.directory.students([meeting.student_oid]) if meeting.student_oid else []
    if not meeting.group_id:
        return []
    return await deps.directory.roster(meeting.group_id, responsible_teacher(meeting))
