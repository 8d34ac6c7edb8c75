"""Who reaches the meetings API and pages at all (roles), and the path parameters' shapes.

Object-level access (participants, the unit's education manager) is the domain's
(``domain/access.py``); the roles here only keep everyone else away before a use case runs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from hoks_meetings.domain.access import Viewer
from hoks_shared.auth import Principal, Role
from hoks_shared.contracts.identifiers import OID_PATTERN

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
