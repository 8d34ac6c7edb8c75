"""Teaching groups as the scheduler plans with them, and their phase of studies."""

from __future__ import annotations

from dataclasses import dataclass
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
