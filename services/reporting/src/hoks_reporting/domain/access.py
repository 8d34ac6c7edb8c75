"""Who may see which part of the report (object-level checks on top of the endpoint roles; pure).

* Education manager: the units in their token; director: every unit.
* Counselor: the figures of their own units (read-only, no student names): they convene the
  meetings the report counts and share the teachers' work.
* Responsible teacher: only their own teacher page and their own groups' students.
* Student names: the education manager or director of the unit, and the group's responsible teacher.
"""

from __future__ import annotations

from hoks_reporting.domain.errors import NoAccess
from hoks_shared.auth import Principal, Role

REPORT_ROLES = (Role.EDUCATION_MANAGER, Role.DIRECTOR, Role.COUNSELOR, Role.RESPONSIBLE_TEACHER)
UNIT_ROLES = (Role.EDUCATION_MANAGER, Role.DIRECTOR, Role.COUNSELOR)
EXPORT_ROLES = (Role.EDUCATION_MANAGER, Role.DIRECTOR)


def sees_unit(principal: Principal, unit_id: str) -> bool:
    return principal.has_role(*UNIT_ROLES) and principal.can_access_unit(unit_id)


def ensure_unit(principal: Principal, unit_id: str) -> None:
    if not sees_unit(principal, unit_id):
        raise NoAccess(f"no access to the report of unit {unit_id}")


def ensure_teacher(principal: Principal, unit_id: str, teacher_oid: str) -> None:
    if sees_unit(principal, unit_id) or principal.is_person(teacher_oid):
        return
    raise NoAccess(f"no access to teacher {teacher_oid} in unit {unit_id}: own figures only")


def sees_student_names(principal: Principal, unit_id: str, teacher_oid: str) -> bool:
    manager = principal.has_role(Role.EDUCATION_MANAGER, Role.DIRECTOR) and principal.can_access_unit(unit_id)
    return manager or principal.is_person(teacher_oid)
