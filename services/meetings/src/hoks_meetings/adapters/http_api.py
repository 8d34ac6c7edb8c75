"""The meetings HTTP API (FastAPI router; OpenAPI at /openapi.json).

Every endpoint names its roles; object-level access (participants, the unit's education
manager) is the domain's; every read or change of a meeting record is audited (ids only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path

from hoks_meetings.adapters.meeting_audit import record_meeting_read
from hoks_meetings.adapters.api_models import (
    ActionIn,
    AttendanceIn,
    ChecklistLineOut,
    CompletionOut,
    FiguresOut,
    MeetingDetail,
    MeetingSummary,
    ParticipantOut,
    RowIn,
    RowOut,
    StudentRecordIn,
    StudentRecordOut,
    Vocabulary,
)
from hoks_meetings.adapters.repository import MeetingWorkRepository
from hoks_meetings.adapters.student_view import StudentDirectory
from hoks_meetings.domain.access import Viewer
from hoks_meetings.domain.checklist import (
    OUTCOMES,
    AgreedAction,
    RowDraft,
    RuleViolation,
    StudentRecord,
    effective_attendance,
)
from hoks_meetings.domain.meeting_record import MeetingRecord
from hoks_meetings.domain.suggestions import Suggestion, SuggestionRules
from hoks_meetings.domain.themes import THEMES, theme_of
from hoks_meetings.domain.timing import local_date, start_of_local_day
from hoks_meetings.domain.vocabulary import ACTION_CODES, HOKS_UPDATES, REFERRAL_REASONS, REFERRAL_TARGETS
from hoks_meetings.handlers import (
    DEFAULT_COMPLETE_EARLY,
    MeetingView,
    OutboxEntry,
    RowInput,
    complete_meeting,
    my_meetings,
    open_meeting,
    record_attendance,
    record_student_outcome,
    save_row,
)
from hoks_shared.auth import Allow, AuditDep, Principal, Role
from hoks_shared.contracts.identifiers import OID_PATTERN
from hoks_shared.web.render import ui_settings

VIEWERS = (Role.COUNSELOR, Role.RESPONSIBLE_TEACHER, Role.SPECIAL_NEEDS_TEACHER, Role.CURATOR,
           Role.EDUCATION_MANAGER, Role.DIRECTOR)
#: Roles that may write to a meeting they take part in (the domain decides per meeting: group
#: meetings only counselor and responsible teacher; student-level meetings any staff participant).
EDITORS = (Role.COUNSELOR, Role.RESPONSIBLE_TEACHER, Role.SPECIAL_NEEDS_TEACHER, Role.CURATOR, Role.PSYCHOLOGIST,
           Role.CAREER_SERVICES)
#: The shape of a provider-local id (as ``LocalId`` in the contracts).
LOCAL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"

MeetingId = Annotated[str, Path(pattern=LOCAL_ID_PATTERN, description="The meeting's id")]
StudentOid = Annotated[str, Path(pattern=OID_PATTERN, description="The student's OID")]


def viewer_of(principal: Principal) -> Viewer:
    return Viewer(principal.staff_oid, frozenset(str(r) for r in principal.roles), frozenset(principal.unit_ids),
                  principal.all_units)


def http_error(exc: RuleViolation) -> HTTPException:
    return HTTPException(exc.status, detail=exc.reason)


@dataclass(frozen=True)
class MeetingsDeps:
    meetings: MeetingWorkRepository
    directory: StudentDirectory
    outbox_entry: OutboxEntry
    notify: Callable[[str], None]
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    rules: SuggestionRules = SuggestionRules()
    #: how long before its start a meeting may be completed (HOKS_MEETINGS_COMPLETE_EARLY_MINUTES)
    complete_early: timedelta = DEFAULT_COMPLETE_EARLY
    #: the provider's time zone: "today" and dates are decided in it (HOKS_UI_TIME_ZONE)
    zone: tzinfo = field(default_factory=lambda: provider_zone())


def summary(meeting: MeetingRecord, viewer_oid: str | None) -> MeetingSummary:
    me = meeting.participant(viewer_oid)
    return MeetingSummary(meeting_id=meeting.meeting_id, kind=meeting.kind, unit_id=meeting.unit_id,
                          group_id=meeting.group_id, student_oid=meeting.student_oid, theme=meeting.theme,
                          round=meeting.round, starts_at=meeting.starts_at, ends_at=meeting.ends_at,
                          status=meeting.status, my_role=me.role if me else None)


def row_out(row: RowDraft) -> RowOut:
    return RowOut(student_oid=row.student_oid, hoks_checked=row.hoks_checked, measures_taken=row.measures_taken,
                  committed=row.committed, progressing=row.progressing, outcome=row.outcome,
                  referral_target=row.referral_target, referral_reason=row.referral_reason,
                  theme_flags=list(row.theme_flags), overridden=list(row.overridden()), saved_at=row.saved_at)


def suggestion_out(student_oid: str, s: Suggestion) -> RowOut:
    return RowOut(student_oid=student_oid, hoks_checked=s.hoks_checked, measures_taken=s.measures_taken,
                  committed=s.committed, progressing=s.progressing, outcome=s.outcome,
                  referral_target=s.referral_target, referral_reason=s.referral_reason,
                  theme_flags=list(s.theme_flags))


def detail(view: MeetingView, viewer_oid: str | None) -> MeetingDetail:
    m = view.meeting
    present = effective_attendance(m, view.work)
    record = view.work.student_record
    return MeetingDetail(
        **summary(m, viewer_oid).model_dump(),
        agenda=list(view.agenda), theme_items=list(theme_of(m.theme).items),
        participants=[ParticipantOut(person_oid=p.person_oid, role=p.role,
                                     present=view.work.attendance.get(p.person_oid, present.get(p.person_oid)))
                      for p in m.participants],
        can_edit=view.can_edit,
        lines=[ChecklistLineOut(
            student_oid=line.facts.student_oid, display_name=line.facts.display_name,
            study_type=line.facts.study_type,
            figures=FiguresOut(**{**line.suggestion.figures.__dict__,
                                  "remaining_units": list(line.suggestion.figures.remaining_units)}),
            signals=list(line.suggestion.signals),
            suggestion=suggestion_out(line.facts.student_oid, line.suggestion),
            confirmed=row_out(line.row) if line.row else None,
        ) for line in view.lines],
        confirmed_rows=view.confirmed,
        student_record=StudentRecordOut(hoks_update=record.hoks_update, actions=[
            ActionIn(action_code=a.action_code, owner_oid=a.owner_oid, due_date=a.due_date)  # type: ignore[arg-type]
            for a in record.actions], referral_outcome=record.referral_outcome) if record else None,
        completed_at=view.work.completed_at,
    )


def provider_zone() -> tzinfo:
    return ZoneInfo(ui_settings().time_zone)


def start_of_today(now: datetime, zone: tzinfo | None = None) -> datetime:
    """Midnight of the provider's day (not the UTC day: at 00:30 in Helsinki it is already tomorrow)."""
    return start_of_local_day(now, zone or provider_zone())


def build_api(deps: MeetingsDeps) -> APIRouter:
    router = APIRouter(prefix="/meetings", tags=["meetings"])

    @router.get("", response_model=list[MeetingSummary], summary="My today's and upcoming meetings")
    async def list_meetings(principal: Principal = Depends(Allow(*VIEWERS))) -> list[MeetingSummary]:
        found = await my_meetings(viewer_of(principal), deps.meetings, start_of_today(deps.clock(), deps.zone))
        return [summary(m, principal.staff_oid) for m in found]

    @router.get("/vocabulary", response_model=Vocabulary, summary="The closed code lists a record may hold")
    async def vocabulary(principal: Principal = Depends(Allow(*VIEWERS))) -> Vocabulary:
        return Vocabulary(outcomes=list(OUTCOMES), referral_targets=list(REFERRAL_TARGETS),
                          referral_reasons=list(REFERRAL_REASONS), hoks_updates=list(HOKS_UPDATES),
                          action_codes=list(ACTION_CODES), themes={c: list(t.items) for c, t in THEMES.items()})

    @router.get("/{meeting_id}", response_model=MeetingDetail,
                summary="A meeting with its agenda, participants and checklist (suggestions prefilled)",
                responses={404: {"description": "No such meeting, or not visible to the caller"}})
    async def get_meeting(meeting_id: MeetingId, audit: AuditDep,
                          principal: Principal = Depends(Allow(*VIEWERS))) -> MeetingDetail:
        try:
            view = await open_meeting(meeting_id, viewer_of(principal), deps.meetings, deps.directory,
                                      local_date(deps.clock(), deps.zone), deps.rules)
        except RuleViolation as exc:
            raise http_error(exc) from None
        await record_meeting_read(audit, principal, view, "GET /meetings/{meeting_id}")
        return detail(view, principal.staff_oid)

    @router.put("/{meeting_id}/checklist/{student_oid}", response_model=RowOut,
                summary="Save (autosave) one student's checklist row",
                responses={403: {"description": "Not the meeting's counselor or responsible teacher"},
                           409: {"description": "The meeting is completed or cancelled"},
                           422: {"description": "A rule of the model refused the row (reason in detail)"}})
    async def put_row(meeting_id: MeetingId, student_oid: StudentOid, body: RowIn, audit: AuditDep,
                      principal: Principal = Depends(Allow(*EDITORS))) -> RowOut:
        data = RowInput(body.hoks_checked, body.measures_taken, body.committed, body.progressing, str(body.outcome),
                        body.referral_target, body.referral_reason, tuple(body.theme_flags))
        try:
            row = await save_row(meeting_id, student_oid, data, viewer_of(principal), deps.meetings,
                                 deps.directory, deps.clock(), deps.rules)
        except RuleViolation as exc:
            raise http_error(exc) from None
        await audit.record(principal, action="update", resource="meeting-checklist-row", resource_id=meeting_id,
                           student_oid=student_oid, endpoint="PUT /meetings/{meeting_id}/checklist/{student_oid}")
        return row_out(row)

    @router.put("/{meeting_id}/attendance", response_model=list[ParticipantOut],
                summary="Record who attended (the student's presence for a student-level meeting)")
    async def put_attendance(meeting_id: MeetingId, body: AttendanceIn, audit: AuditDep,
                             principal: Principal = Depends(Allow(*EDITORS))) -> list[ParticipantOut]:
        viewer = viewer_of(principal)
        try:
            work = await record_attendance(meeting_id, {a.person_oid: a.present for a in body.attendance}, viewer,
                                           deps.meetings)
        except RuleViolation as exc:
            raise http_error(exc) from None
        await audit.record(principal, action="update", resource="meeting-attendance", resource_id=meeting_id,
                           endpoint="PUT /meetings/{meeting_id}/attendance")
        return [ParticipantOut(person_oid=oid, role="", present=present) for oid, present in work.attendance.items()]

    @router.put("/{meeting_id}/student-record", response_model=StudentRecordOut,
                summary="Student-level meeting: the agreed HOKS update and actions (owner, due date)")
    async def put_student_record(meeting_id: MeetingId, body: StudentRecordIn, audit: AuditDep,
                                 principal: Principal = Depends(Allow(*EDITORS))) -> StudentRecordOut:
        record = StudentRecord(str(body.hoks_update), tuple(AgreedAction(str(a.action_code), a.owner_oid, a.due_date)
                                                            for a in body.actions),
                               str(body.referral_outcome) if body.referral_outcome else None)
        try:
            await record_student_outcome(meeting_id, record, viewer_of(principal), deps.meetings)
        except RuleViolation as exc:
            raise http_error(exc) from None
        meeting = await deps.meetings.get(meeting_id)
        await audit.record(principal, action="update", resource="meeting-student-record", resource_id=meeting_id,
                           student_oid=meeting.student_oid if meeting else None,
                           endpoint="PUT /meetings/{meeting_id}/student-record")
        return StudentRecordOut(hoks_update=record.hoks_update, actions=body.actions,
                                referral_outcome=record.referral_outcome)

    @router.post("/{meeting_id}/complete", response_model=CompletionOut,
                 summary="Complete the meeting: validates every row, emits checklist-completed and meeting-held",
                 responses={409: {"description": "Already completed or cancelled"},
                            422: {"description": "Rows missing, or the student's presence not recorded"}})
    async def complete(meeting_id: MeetingId, audit: AuditDep,
                       principal: Principal = Depends(Allow(*EDITORS))) -> CompletionOut:
        try:
            done = await complete_meeting(meeting_id, viewer_of(principal), deps.meetings, deps.directory,
                                          deps.outbox_entry, deps.clock(), early=deps.complete_early, zone=deps.zone)
        except RuleViolation as exc:
            raise http_error(exc) from None
        deps.notify(meeting_id)
        await audit.record(principal, action="update", resource="meeting", resource_id=meeting_id,
                           endpoint="POST /meetings/{meeting_id}/complete")
        return CompletionOut(meeting_id=meeting_id, event_ids=done.event_ids, rows=done.rows, referrals=done.referrals)

    return router
