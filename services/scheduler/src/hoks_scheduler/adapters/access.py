"""Object-level access to meetings (OWASP API1): who may see and who may change a meeting."""

from __future__ import annotations

from hoks_scheduler.domain.meeting import Meeting
from hoks_shared.auth import Principal, Role

FEED_SCOPE = "schedule:read"


def can_see(principal: Principal, meeting: Meeting) -> bool:
    """Participants see their meetings; counselors, education managers and directors those of
    their units; integration clients with the ``schedule:read`` scope all."""
    if Role.INTEGRATION_CLIENT in principal.roles:
        return FEED_SCOPE in principal.scopes
    if principal.staff_oid is not None and principal.staff_oid in meeting.person_oids:
        return True
    return principal.has_role(Role.COUNSELOR, Role.EDUCATION_MANAGER, Role.DIRECTOR) and \
        principal.can_access_unit(meeting.unit_id)


def can_change(principal: Principal, meeting: Meeting) -> bool:
    """Counselors (who convene the meetings) of the unit or taking part, managers of the unit."""
    if principal.has_role(Role.COUNSELOR) and (
            principal.can_access_unit(meeting.unit_id) or principal.is_person(
                next((s.person_oid for s in meeting.seats if s.role == "counselor"), None))):
        return True
    return principal.has_role(Role.EDUCATION_MANAGER, Role.DIRECTOR) and principal.can_access_unit(meeting.unit_id)
