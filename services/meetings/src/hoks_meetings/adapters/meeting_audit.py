"""Opening a meeting is recorded in the audit trail with every student it shows."""

from __future__ import annotations

from hoks_meetings.handlers import MeetingView
from hoks_shared.auth.audit import AuditRecorder
from hoks_shared.auth.principal import Principal


async def record_meeting_read(audit: AuditRecorder, principal: Principal, view: MeetingView, endpoint: str) -> None:
    """A student-level meeting: its student; a group meeting: every student on its checklist,
    in one record (``resource_id`` the meeting)."""
    meeting_id = view.meeting.meeting_id
    if view.meeting.student_oid is not None or not view.lines:
        await audit.record(principal, action="read", resource="meeting", resource_id=meeting_id,
                           student_oid=view.meeting.student_oid, endpoint=endpoint)
        return
    await audit.record_list_read(principal, resource="meeting", list_id=meeting_id, endpoint=endpoint,
                                 shown=[(meeting_id, line.facts.student_oid) for line in view.lines])
