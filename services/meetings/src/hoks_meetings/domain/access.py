"""Who may see and who may fill in a meeting (object-level rules, pure).

* see: the meeting's participants; the education manager of the meeting's unit and a director
  (read-only). Anyone else gets "not found": the meeting's existence is not revealed.
* fill in and complete: participants who take part as counselor or responsible teacher; in a
  student-level meeting any staff participant (e.g. the referral's specialist).
"""

from __future__ import annotations

from dataclasses import dataclass

from hoks_meetings.domain.checklist import EDITOR_ROLES, editor_roles
from hoks_meetings.domain.meeting_record import MeetingRecord

OVERSEER_ROLES = frozenset({"education-manager", "director"})
#: Signed-in roles that may record a student-level meeting they take part in.
STAFF_EDITOR_ROLES = frozenset({"counselor", "responsible-teacher", "special-needs-teacher", "curator",
                                "psychologist", "career-services"})


@dataclass(frozen=True)
class Viewer:
    staff_oid: str | None
    roles: frozenset[str]
    unit_ids: frozenset[str] = frozenset()
    all_units: bool = False

    def can_access_unit(self, unit_id: str) -> bool:
        return self.all_units or unit_id in self.unit_ids


def is_participant(meeting: MeetingRecord, viewer: Viewer) -> bool:
    return viewer.staff_oid is not None and meeting.participant(viewer.staff_oid) is not None


def can_view(meeting: MeetingRecord, viewer: Viewer) -> bool:
    if is_participant(meeting, viewer):
        return True
    return bool(viewer.roles & OVERSEER_ROLES) and viewer.can_access_unit(meeting.unit_id)


def can_edit(meeting: MeetingRecord, viewer: Viewer) -> bool:
    """Group meeting: its counselor and responsible teacher. Student-level meeting: any staff member
    taking part (the specialist who received the referral records it)."""
    participant = meeting.participant(viewer.staff_oid) if viewer.staff_oid else None
    if participant is None or participant.role not in editor_roles(meeting):
        return False
    return bool(viewer.roles & (STAFF_EDITOR_ROLES if meeting.kind == "student" else EDITOR_ROLES))
