"""Who is on a meeting's checklist (pure): a student-level meeting has its student; a group
meeting the group's active students of its responsible teacher, as their SIS view documents say.

Kept in the domain because both the use cases (which rows a meeting takes) and the store's
directory (which of a group roster's listed students still belong) decide by the same rule.
"""

from __future__ import annotations

from typing import Any

from hoks_meetings.domain.meeting_record import MeetingRecord


def on_roster(doc: dict[str, Any], group_id: str, responsible_teacher_oid: str | None) -> bool:
    """Whether a student's SIS view document puts them in the group (of that responsible teacher)."""
    return doc.get("group_id") == group_id and doc.get("active", True) and (
        responsible_teacher_oid is None or doc.get("responsible_teacher_oid") == responsible_teacher_oid)


def responsible_teacher(meeting: MeetingRecord) -> str | None:
    return meeting.responsible_teacher_oid or meeting.person_with_role("responsible-teacher")


def on_checklist(meeting: MeetingRecord, doc: dict[str, Any]) -> bool:
    """Whether a student's SIS record puts them on the meeting's checklist."""
    if meeting.kind == "student":
        return doc["_id"] == meeting.student_oid
    return meeting.group_id is not None and on_roster(doc, meeting.group_id, responsible_teacher(meeting))


def teacher_of_record(meeting: MeetingRecord, docs: list[dict[str, Any]], completed_by: str) -> str:
    """The responsible teacher the completion's events name: the meeting's, else the first
    student's, else whoever completes it."""
    return responsible_teacher(meeting) or next((d.get("responsible_teacher_oid") for d in docs), None) \
        or completed_by
