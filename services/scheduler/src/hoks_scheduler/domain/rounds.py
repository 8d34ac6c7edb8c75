"""What a year's group rounds ask for: one demand per group and round, with its window of
school days, its reference day, its theme and its participants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hoks_scheduler.domain.calendar import AcademicCalendar
from hoks_scheduler.domain.groups import Group
from hoks_scheduler.domain.rules import RoundRules


def group_meeting_id(group_id: str, academic_year: str, round_no: int) -> str:
    """Deterministic: planning the same round again finds the same meeting."""
    return f"grp-{group_id}-{academic_year}-r{round_no}"


@dataclass(frozen=True)
class Seat:
    person_oid: str
    role: str
    required: bool = True


@dataclass(frozen=True)
class RoundDemand:
    meeting_id: str
    group_id: str
    unit_id: str
    academic_year: str
    round: int
    rounds_in_year: int
    window: tuple[date, ...]
    reference_day: date
    theme: str
    seats: tuple[Seat, ...]
    responsible_teacher_oid: str | None
    missing_roles: tuple[str, ...] = ()

    @property
    def required_oids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.person_oid for s in self.seats if s.required))


def _seats_of(group: Group, required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[list[Seat], list[str]]:
    by_role: dict[str, list[str]] = {
        "counselor": [group.counselor_oid] if group.counselor_oid else [],
        "responsible-teacher": list(group.responsible_teacher_oids),
        "special-needs-teacher": [group.special_needs_teacher_oid] if group.special_needs_teacher_oid else [],
        "curator": [group.curator_oid] if group.curator_oid else [],
    }
    seats: list[Seat] = []
    missing: list[str] = []
    taken: set[str] = set()
    for role in required:
        if not by_role.get(role):
            missing.append(role)
        for oid in by_role.get(role, []):
            if oid not in taken:
                seats.append(Seat(oid, role, True))
                taken.add(oid)
    for role in optional:
        for oid in by_role.get(role, []):
            if oid not in taken:
                seats.append(Seat(oid, role, False))
                taken.add(oid)
    return seats, missing


def split_evenly(days: list[date], parts: int) -> list[tuple[date, ...]]:
    """``days`` cut into ``parts`` consecutive windows whose sizes differ by at most one."""
    size, extra = divmod(len(days), parts)
    windows, at = [], 0
    for i in range(parts):
        n = size + (1 if i < extra else 0)
        windows.append(tuple(days[at:at + n]))
        at += n
    return windows


def round_demands(groups: list[Group], calendar: AcademicCalendar, rules: RoundRules) -> list[RoundDemand]:
    """Every round every active group needs in the calendar's year, ordered by group and round."""
    year_days = list(calendar.school_days)
    demands: list[RoundDemand] = []
    for group in sorted(groups, key=lambda g: g.group_id):
        if not group.active:
            continue
        active = [d for d in year_days if group.start_date <= d <= group.planned_end_date]
        rounds = rules.rounds_for(group, len(active), len(year_days))
        if rounds == 0:
            continue
        model = rules.model_for(group.study_type)
        seats, missing = _seats_of(group, model.required_roles, model.optional_roles)
        for index, window in enumerate(split_evenly(active, rounds), start=1):
            reference = window[len(window) // 2]
            demands.append(RoundDemand(
                meeting_id=group_meeting_id(group.group_id, calendar.academic_year, index),
                group_id=group.group_id, unit_id=group.unit_id, academic_year=calendar.academic_year,
                round=index, rounds_in_year=rounds, window=window, reference_day=reference,
                theme=rules.theme(group, index, reference), seats=tuple(seats),
                responsible_teacher_oid=group.responsible_teacher_oids[0] if group.responsible_teacher_oids else None,
                missing_roles=tuple(missing),
            ))
    return demands
