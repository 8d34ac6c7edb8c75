"""Teaching groups as the scheduler plans with them, and their phase of studies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hoks_shared.contracts.sis import GroupUpserted


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


def group_from_feed(event: GroupUpserted) -> Group:
    return Group(
        group_id=event.group_id,
        unit_id=event.unit_id,
        study_type=event.study_type,
        start_date=event.start_date,
        planned_end_date=event.planned_end_date,
        responsible_teacher_oids=tuple(event.responsible_teacher_oids),
        counselor_oid=event.counselor_oid,
        special_needs_teacher_oid=event.special_needs_teacher_oid,
        curator_oid=event.curator_oid,
        active=event.active,
    )


def study_progress(group: Group, on: date) -> float:
    """How far the group is through its planned studies on a day, 0.0 … 1.0."""
    total = (group.planned_end_date - group.start_date).days
    if total <= 0:
        return 1.0
    done = (on - group.start_date).days
    return min(1.0, max(0.0, done / total))
