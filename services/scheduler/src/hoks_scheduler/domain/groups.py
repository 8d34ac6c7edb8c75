"""Teaching groups as the scheduler plans with them, and their phase of studies."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date


@dataclass(frozen=True)
class Group:
    group_id: str
    unit_id: str
    study_type: str
    start_date: date
    planned_end_date: date
    responsible_teacher_oids: tuple[str, ...]
    counselor_oid: str
    special_needs_teacher_oid: str | None
    curator_oid: str | None
    active: bool


def study_progress(group: Group, on: date) -> float:
    """How far the group is through its planned studies on a day, 0.0 … 1.0."""
    total = (group.planned_end_date - group.start_date).days
    if total <= 0:
        return 1.0
    done = (on - group.start_date).days
    return min(1.0, max(0.0, done / total))


def without_people(group: Group, gone: frozenset[str] | set[str]) -> Group:
    """The group as the planner sees it when some of its staff have left (inactive in the SIS):
    a role nobody fills any more is reported as missing instead of being planned."""
    if not gone:
        return group
    return replace(
        group,
        counselor_oid="" if group.counselor_oid in gone else group.counselor_oid,
        responsible_teacher_oids=tuple(t for t in group.responsible_teacher_oids if t not in gone),
        special_needs_teacher_oid=None if group.special_needs_teacher_oid in gone else group.special_needs_teacher_oid,
        curator_oid=None if group.curator_oid in gone else group.curator_oid,
    )
