"""What the checklist knows about a student, read from the service's SIS view (pure mapping).

The SIS view document (``sis_students``) holds the student record at the top level and the
sections ``hoks``, ``study_rights.<oid>``, ``absences.<id>``, ``credits.<id>`` (JSON dates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class PlannedUnit:
    unit_code: str
    points: float | None
    starts: date | None
    ends: date | None


@dataclass(frozen=True)
class Absence:
    day: date
    hours: float
    excused: bool


@dataclass(frozen=True)
class Credit:
    unit_code: str
    points: float
    day: date


@dataclass(frozen=True)
class StudentFacts:
    student_oid: str
    display_name: str | None = None
    group_id: str | None = None
    study_type: str | None = None
    responsible_teacher_oid: str | None = None
    active: bool = True
    compulsory_education_ends: date | None = None
    has_hoks: bool = False
    hoks_first_approved: date | None = None
    hoks_updated: date | None = None
    planned_points: float = 0.0
    planned_units: tuple[PlannedUnit, ...] = ()
    target_completion_date: date | None = None
    learning_support: bool = False
    study_right_state: str | None = None
    estimated_end: date | None = None
    study_right_points: float = 0.0
    absences: tuple[Absence, ...] = ()
    credits: tuple[Credit, ...] = field(default_factory=tuple)


def _date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    return date.fromisoformat(text[:10])


def current_state(periods: list[dict[str, Any]], today: date) -> str | None:
    """The state of the latest period that has started by ``today``."""
    started = [p for p in periods if (_date(p.get("start")) or date.max) <= today]
    if not started:
        return None
    return max(started, key=lambda p: _date(p["start"]) or date.min).get("state")


def facts_from_view(doc: dict[str, Any], today: date) -> StudentFacts:
    hoks = doc.get("hoks") or {}
    rights = list((doc.get("study_rights") or {}).values())
    preferred = [r for r in rights if r.get("study_right_oid") == hoks.get("study_right_oid")]
    right = (preferred or sorted(rights, key=lambda r: max((str(p.get("start")) for p in r.get("periods", [])),
                                                               default="")))[-1:] or [{}]
    right_doc = right[0]
    return StudentFacts(
        student_oid=doc["_id"],
        display_name=doc.get("display_name"),
        group_id=doc.get("group_id"),
        study_type=doc.get("study_type"),
        responsible_teacher_oid=doc.get("responsible_teacher_oid"),
        active=doc.get("active", True),
        compulsory_education_ends=_date(doc.get("compulsory_education_ends")
                                        or right_doc.get("compulsory_education_ends")),
        has_hoks=bool(hoks),
        hoks_first_approved=_date(hoks.get("first_approved")),
        hoks_updated=_date(hoks.get("updated_at")),
        planned_points=float(hoks.get("planned_points") or 0),
        planned_units=tuple(PlannedUnit(u["unit_code"], u.get("points"), _date(u.get("starts")), _date(u.get("ends")))
                            for u in hoks.get("planned_units") or ()),
        target_completion_date=_date(hoks.get("target_completion_date")),
        learning_support=bool(hoks.get("learning_support")),
        study_right_state=current_state(right_doc.get("periods") or [], today),
        estimated_end=_date(right_doc.get("estimated_end")),
        study_right_points=float(right_doc.get("completed_points") or 0),
        absences=tuple(Absence(_date(a["day"]) or today, float(a["hours"]), bool(a.get("excused")))
                       for a in (doc.get("absences") or {}).values()),
        credits=tuple(Credit(c["unit_code"], float(c["points"]), _date(c["day"]) or today)
                      for c in (doc.get("credits") or {}).values()),
    )
