"""Who may do what (OWASP API1): the roles of each kind of caller, and who may see and who may
change a meeting."""

from __future__ import annotations

from hoks_scheduler.domain.meeting import Meeting
from hoks_shared.auth import Principal, Role

FEED_SCOPE = "schedule:read"
#: Plan, re-plan, move and cancel meetings.
PLANNERS = (Role.COUNSELOR, Role.EDUCATION_MANAGER, Role.DIRECTOR)
#: Read meetings (integration clients with the ``schedule:read`` scope).
READERS = (Role.COUNSELOR, Role.RESPONSIBLE_TEACHER, Role.SPECIAL_NEEDS_TEACHER, Role.CURATOR, Role.PSYCHOLOGIST,
           Role.CAREER_SERVICES, Role.EDUCATION_MANAGER, Role.DIRECTOR, Role.INTEGRATION_CLIENT)
#: Staff: their own schedule, calendar feed and unavailable days.
STAFF = tuple(r for r in READERS if r != Role.INTEGRATION_CLIENT)


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


def can_request_for(principal: Principal, student_unit_id: str, own_staff: tuple[str | None, ...]) -> bool:
    """A student-level meeting is asked for by the student's own staff (``own_staff``: the
    responsible teacher, the group's counselor and special needs teacher), or a counselor of the
    student's unit."""
    if any(principal.is_person(oid) for oid in own_staff if oid):
        return True
    return principal.has_role(Role.COUNSELOR) and principal.can_access_unit(student_unit_id)


def can_set_unavailability(principal: Principal, person_oid: str, person_units: set[str] | None) -> str | None:
    """Why the caller may not set ``person_oid``'s unavailable days (None: they may). Your own
    days; planners those of the staff of their units (``person_units``), directors anyone's."""
    if principal.is_person(person_oid):
        return None
    if not principal.has_role(*PLANNERS):
        return "only your own days"
    if not principal.all_units and not (person_units or set()) & principal.unit_ids:
        return "not a staff member of your units"
    return None
