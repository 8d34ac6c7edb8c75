"""Use cases of the meetings service, as plain async functions over repositories (no HTTP)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo
from typing import Any

from hoks_meetings.adapters.repository import MeetingRepository, MeetingWorkRepository
from hoks_meetings.adapters.student_view import StudentDirectory, on_roster
from hoks_meetings.domain.access import Viewer, can_edit, can_view
from hoks_meetings.domain.checklist import (
    MeetingWork,
    RowDraft,
    RuleViolation,
    StudentRecord,
    check_attendance,
    check_complete,
    check_row,
    check_student_record,
    ensure_open,
    suggested_items,
)
from hoks_meetings.domain.meeting_record import MeetingRecord, apply_change
from hoks_meetings.domain.outcome_events import checklist_completed, meeting_held
from hoks_meetings.domain.student_facts import StudentFacts, facts_from_view
from hoks_meetings.domain.suggestions import Suggestion, SuggestionRules, suggest
from hoks_meetings.domain.themes import agenda_for
from hoks_meetings.domain.timing import check_may_complete, local_date
from hoks_shared.contracts.envelope import EventMeta, deterministic_event_id
from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.meetings import MeetingCancelled, MeetingRescheduled, MeetingScheduled
from hoks_shared.store.idempotent import ApplyResult

log = logging.getLogger(__name__)

OutboxEntry = Callable[[IntegrationEvent, str], dict[str, Any]]
#: The provider's time zone (pages and rules: HOKS_UI_TIME_ZONE) and the completion window's default.
PROVIDER_ZONE = ZoneInfo("Europe/Helsinki")
DEFAULT_COMPLETE_EARLY = timedelta(minutes=30)


async def record_calendar_change(
    event: MeetingScheduled | MeetingRescheduled | MeetingCancelled,
    meta: EventMeta,
    meetings: MeetingRepository,
) -> ApplyResult:
    """Keep the meeting record in step with the scheduler's calendar."""
    current = await meetings.get(event.meeting_id)
    changed = apply_change(current, event)
    if changed is None:
        return ApplyResult.STALE
    return await meetings.save(changed, meta.id)


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


async def _visible(meeting_id: str, viewer: Viewer, meetings: MeetingWorkRepository) -> tuple[MeetingRecord, MeetingWork]:
    loaded = await meetings.load(meeting_id)
    if loaded is None or not can_view(loaded[0], viewer):
        raise RuleViolation("meeting not found", status=404)
    return loaded


def _editable(meeting: MeetingRecord, viewer: Viewer) -> None:
    if not can_edit(meeting, viewer):
        raise RuleViolation("only the meeting's counselor and responsible teacher may fill in its record", status=403)


def responsible_teacher(meeting: MeetingRecord) -> str | None:
    return meeting.responsible_teacher_oid or meeting.person_with_role("responsible-teacher")


def on_checklist(meeting: MeetingRecord, doc: dict[str, Any]) -> bool:
    """Whether a student's SIS record puts them on the meeting's checklist."""
    if meeting.kind == "student":
        return doc["_id"] == meeting.student_oid
    return meeting.group_id is not None and on_roster(doc, meeting.group_id, responsible_teacher(meeting))


async def roster_docs(meeting: MeetingRecord, directory: StudentDirectory) -> list[dict[str, Any]]:
    if meeting.kind == "student":
        return await directory.students([meeting.student_oid]) if meeting.student_oid else []
    if not meeting.group_id:
        return []
    return await directory.roster(meeting.group_id, responsible_teacher(meeting))


async def my_meetings(viewer: Viewer, meetings: MeetingWorkRepository, since: datetime) -> list[MeetingRecord]:
    """Today's and upcoming meetings where the signed-in person takes part; for an education
    manager or director, those of their units."""
    if viewer.staff_oid is None:
        return []
    mine = await meetings.for_person(viewer.staff_oid, since)
    if viewer.roles & {"education-manager", "director"}:
        units = None if viewer.all_units else set(viewer.unit_ids)
        seen = {m.meeting_id for m in mine}
        mine += [m for m in await meetings.for_units(units, since) if m.meeting_id not in seen]
        mine.sort(key=lambda m: m.starts_at)
    return [m for m in mine if m.status != "cancelled"]


async def open_meeting(meeting_id: str, viewer: Viewer, meetings: MeetingWorkRepository,
                       directory: StudentDirectory, today: date, rules: SuggestionRules | None = None) -> MeetingView:
    meeting, work = await _visible(meeting_id, viewer, meetings)
    docs = await roster_docs(meeting, directory)
    lines = []
    for doc in docs:
        facts = facts_from_view(doc, today)
        lines.append(ChecklistLine(facts, suggest(facts, meeting.theme, today, rules), work.rows.get(facts.student_oid)))
    return MeetingView(meeting, work, agenda_for(meeting.kind, meeting.theme), lines,
                       can_edit(meeting, viewer) and meeting.status == "planned")


@dataclass(frozen=True)
class RowInput:
    hoks_checked: bool
    measures_taken: bool
    committed: bool
    progressing: bool
    outcome: str
    referral_target: str | None = None
    referral_reason: str | None = None
    theme_flags: tuple[str, ...] = ()


async def save_row(meeting_id: str, student_oid: str, data: RowInput, viewer: Viewer,
                   meetings: MeetingWorkRepository, directory: StudentDirectory, now: datetime,
                   rules: SuggestionRules | None = None) -> RowDraft:
    """Autosave one student's row (a draft until the meeting is completed)."""
    meeting, _ = await _visible(meeting_id, viewer, meetings)
    _editable(meeting, viewer)
    docs = [d for d in await directory.students([student_oid]) if on_checklist(meeting, d)]
    roster = {d["_id"] for d in docs}
    today = now.date()
    facts = facts_from_view(docs[0], today) if docs else StudentFacts(student_oid)
    suggestion = suggest(facts, meeting.theme, today, rules)
    row = RowDraft(student_oid=student_oid, **data.__dict__, suggested=suggested_items(suggestion),
                   signals=suggestion.signals, study_type=facts.study_type, saved_by=viewer.staff_oid, saved_at=now)
    row = check_row(meeting, roster, row)
    await meetings.save_row(meeting_id, row)
    log.info("checklist row saved", extra={"meeting_id": meeting_id, "overridden": list(row.overridden())})
    return row


async def record_attendance(meeting_id: str, attendance: dict[str, bool], viewer: Viewer,
                            meetings: MeetingWorkRepository) -> MeetingWork:
    meeting, work = await _visible(meeting_id, viewer, meetings)
    _editable(meeting, viewer)
    check_attendance(meeting, attendance)
    await meetings.save_attendance(meeting_id, attendance)
    return replace(work, attendance={**work.attendance, **attendance})


async def record_student_outcome(meeting_id: str, record: StudentRecord, viewer: Viewer,
                                 meetings: MeetingWorkRepository) -> StudentRecord:
    meeting, _ = await _visible(meeting_id, viewer, meetings)
    _editable(meeting, viewer)
    check_student_record(meeting, record)
    await meetings.save_student_record(meeting_id, record)
    return record


@dataclass(frozen=True)
class Completion:
    meeting_id: str
    event_ids: list[str]
    rows: int
    referrals: int


async def complete_meeting(meeting_id: str, viewer: Viewer, meetings: MeetingWorkRepository,
                           directory: StudentDirectory, outbox_entry: OutboxEntry, now: datetime, *,
                           early: timedelta = DEFAULT_COMPLETE_EARLY, zone: tzinfo = PROVIDER_ZONE) -> Completion:
    """Validate every row and complete: ``checklist-completed`` and ``meeting-held`` are staged in
    the meeting document's outbox by the same write that marks it held. Not before the meeting
    has started (``early`` before its start at the earliest)."""
    meeting, work = await _visible(meeting_id, viewer, meetings)
    _editable(meeting, viewer)
    ensure_open(meeting)
    check_may_complete(meeting, now, early, zone)
    docs = await roster_docs(meeting, directory)
    rows = check_complete(meeting, [d["_id"] for d in docs], work)
    assert viewer.staff_oid is not None
    teacher = responsible_teacher(meeting) or next((d.get("responsible_teacher_oid") for d in docs), None) \
        or viewer.staff_oid
    entries, ids = [], []
    if rows:
        event = checklist_completed(meeting, rows, responsible_teacher_oid=teacher, completed_by=viewer.staff_oid,
                                    completed_at=now)
        ids.append(deterministic_event_id("checklist-completed", meeting_id))
        entries.append(outbox_entry(event, ids[-1]))
    held = meeting_held(meeting, work, responsible_teacher_oid=teacher, completed_at=now, checklist_rows=len(rows),
                        completed_by=viewer.staff_oid, held_on=local_date(now, zone))  # the provider's day
    ids.append(deterministic_event_id("meeting-held", meeting_id))
    entries.append(outbox_entry(held, ids[-1]))
    if not await meetings.complete(meeting_id, viewer.staff_oid, now, entries):
        raise RuleViolation("the meeting is already completed", status=409)
    referrals = sum(1 for r in rows if r.outcome == "referral")
    log.info("meeting completed", extra={"meeting_id": meeting_id, "rows": len(rows), "referrals": referrals})
    return Completion(meeting_id, ids, len(rows), referrals)
