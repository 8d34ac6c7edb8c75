"""Who may see and who may fill in a meeting (object-level rules, pure).

* see: the meeting's participants; the education manager of the meeting's unit and a director
  (read-only). Anyone else gets "not found": the meeting's existence is not revealed.
* fill in and complete: participants who take part as counselor or responsible teacher.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoks_meetings.domain.checklist import EDITOR_ROLES
from hoks_meetings.domain.meeting_record import MeetingRecord

OVERSEER_ROLES = frozenset({"education-manager", "director"})


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
    participant = meeting.participant(viewer.staff_oid) if viewer.staff_oid else None
    return participant is not None and participant.role in EDITOR_ROLES and bool(viewer.roles & EDITOR_ROLES)
