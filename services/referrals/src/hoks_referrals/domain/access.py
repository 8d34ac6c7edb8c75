"""Who may see and act on a referral (object-level rules; the endpoints check roles first).

See:
* a director: every referral; an integration client with ``referrals:read``: every referral
  (welfare ones minimised like for everyone);
* the assignee, and whoever made the referral (close the loop);
* a counselor or special-needs teacher of the referral's unit; an education manager of the unit;
* a curator, psychologist or career-services person: referrals of their unit whose target is
  their role (the unit's queue);
* a responsible teacher: the referrals they made or of their own students.

Act (accept, close): the assignee, or a holder of the target's role in the referral's unit
(taking over from the queue), or a counselor of the unit. Cancel: those, and the person who
made the referral.
"""

from __future__ import annotations

from typing import Protocol

from hoks_shared.auth.roles import Role

from hoks_referrals.domain.referral import Referral

#: The staff role that handles each target's queue in a unit.
TARGET_ROLE = {
    "special-needs-teacher": Role.SPECIAL_NEEDS_TEACHER,
    "curator": Role.CURATOR,
    "psychologist": Role.PSYCHOLOGIST,
    "counselor": Role.COUNSELOR,
    "career-services": Role.CAREER_SERVICES,
    "student-meeting": Role.RESPONSIBLE_TEACHER,
    "valpas-notification": Role.COUNSELOR,
    "welfare-group": Role.CURATOR,
}
READ_SCOPE = "referrals:read"


class Caller(Protocol):
    staff_oid: str | None
    roles: frozenset[Role]
    scopes: frozenset[str]
    all_units: bool

    def has_role(self, *roles: Role) -> bool: ...

    def can_access_unit(self, unit_id: str | None) -> bool: ...


def can_see(caller: Caller, referral: Referral) -> bool:
    if caller.has_role(Role.DIRECTOR) and caller.all_units:
        return True
    if caller.has_role(Role.INTEGRATION_CLIENT) and READ_SCOPE in caller.scopes:
        return True
    me = caller.staff_oid
    if me is not None and me in (referral.assignee_oid, referral.made_by_oid):
        return True
    in_unit = caller.can_access_unit(referral.unit_id)
    if in_unit and caller.has_role(Role.COUNSELOR, Role.SPECIAL_NEEDS_TEACHER, Role.EDUCATION_MANAGER, Role.DIRECTOR):
        return True
    if in_unit and caller.has_role(TARGET_ROLE[referral.target]) and \
            TARGET_ROLE[referral.target] != Role.RESPONSIBLE_TEACHER:
        return True
    return caller.has_role(Role.RESPONSIBLE_TEACHER) and me is not None and me == referral.responsible_teacher_oid


def can_act(caller: Caller, referral: Referral) -> bool:
    """Accept or close."""
    me = caller.staff_oid
    if me is None:
        return False
    if me == referral.assignee_oid:
        return True
    in_unit = caller.can_access_unit(referral.unit_id)
    if in_unit and caller.has_role(Role.COUNSELOR):
        return True
    role = TARGET_ROLE[referral.target]
    if role == Role.RESPONSIBLE_TEACHER:
        return me == referral.responsible_teacher_oid
    return in_unit and caller.has_role(role)


def can_cancel(caller: Caller, referral: Referral) -> bool:
    return can_act(caller, referral) or (caller.staff_oid is not None and caller.staff_oid == referral.made_by_oid)


def can_make(caller: Caller, unit_id: str, responsible_teacher_oid: str | None) -> bool:
    """Make a referral for a student of ``unit_id``."""
    if caller.staff_oid is None:
        return False
    if caller.can_access_unit(unit_id) and caller.has_role(
            Role.COUNSELOR, Role.SPECIAL_NEEDS_TEACHER, Role.CURATOR, Role.PSYCHOLOGIST, Role.CAREER_SERVICES,
            Role.DIRECTOR):
        return True
    return caller.has_role(Role.RESPONSIBLE_TEACHER) and caller.staff_oid == responsible_teacher_oid
