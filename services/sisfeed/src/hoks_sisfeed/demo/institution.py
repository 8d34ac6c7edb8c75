"""A realistic demo institution, deterministic for a seed and sized by parameters.

The default looks like the slides: 3,800 ``pt`` students in 190 groups, 16 counselors, units with
education managers, responsible teachers, special-needs teachers and curators, and some ``at`` and
``eat`` students. Groups start in different years and terms, so on any day some are starting,
some in mid-studies and some in their final phase. Everything is yielded as a stream, so a
national-size set (350,000 students) never has to fit in memory.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.sis import (
    AbsenceRecorded,
    CreditRecorded,
    GroupUpserted,
    HoksUpdated,
    PlannedUnit,
    StaffUpserted,
    StatusPeriod,
    StudentUpserted,
    StudyRightStatus,
)
from hoks_sisfeed.adapters.dates import epoch_ms
from hoks_sisfeed.demo.vocabulary import COMMON_UNITS, FIRST_NAMES, LAST_NAMES, UNITS, VOCATIONAL_UNITS

#: study type → (months of planned study, students per group, planned points)
STUDY_TYPES = {"pt": (34, 20, 180), "at": (18, 15, 150), "eat": (18, 12, 180)}


@dataclass(frozen=True)
class DemoSize:
    pt_students: int = 3800
    at_students: int = 300
    eat_students: int = 120
    counselors: int = 16
    seed: int = 2026
    as_of: date = date(2026, 11, 28)

    @property
    def students(self) -> int:
        return self.pt_students + self.at_students + self.eat_students

    @classmethod
    def scaled(cls, students: int, **over: object) -> DemoSize:
        """A size with the default's proportions (90 % pt) and the slides' counselor ratio (1 : 237)."""
        pt = round(students * 0.9)
        at = round(students * 0.07)
        return cls(pt_students=pt, at_students=at, eat_students=students - pt - at,
                   counselors=max(1, math.ceil(students / 264)), **over)  # type: ignore[arg-type]


@dataclass
class _Group:
    group_id: str
    unit_id: str
    qualification: str
    study_type: str
    start: date
    end: date
    size: int
    teacher: str
    counselor: str
    special_needs: str
    curator: str


@dataclass
class _Staff:
    oid: str
    name: str
    roles: list[str]
    units: list[str] = field(default_factory=list)


def _oid(kind: int, number: int) -> str:
    return f"1.2.246.562.{kind}.{number:011d}"


def _stamp(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _ms(day: date) -> int:
    return epoch_ms(_stamp(day))


class DemoInstitution:
    def __init__(self, size: DemoSize = DemoSize()) -> None:
        self.size = size
        rng = random.Random(size.seed)
        groups_per_type = {t: math.ceil(n / STUDY_TYPES[t][1]) for t, n in
                           (("pt", size.pt_students), ("at", size.at_students), ("eat", size.eat_students)) if n}
        total_groups = sum(groups_per_type.values())
        n_units = min(len(UNITS), max(2, math.ceil(total_groups / 40)))
        self.units = [UNITS[i] for i in range(n_units)]
        self.unit_ids = [u[0] for u in self.units]
        self.unit_names = {u[0]: u[3] for u in self.units}
        people = iter(range(1, 10**9))
        self.staff: list[_Staff] = []

        def hire(role: str, unit: str) -> str:
            n = next(people)
            person = _Staff(_oid(24, 50_000_000_000 + size.seed % 1000 * 10_000_000 + n),
                            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", [role], [unit])
            self.staff.append(person)
            return person.oid

        managers = {u: hire("education-manager", u) for u in self.unit_ids}
        self.managers = managers
        counselors = {u: [] for u in self.unit_ids}
        for i in range(size.counselors):
            counselors[self.unit_ids[i % n_units]].append(hire("counselor", self.unit_ids[i % n_units]))
        per_unit_groups = math.ceil(total_groups / n_units)
        specials = {u: [hire("special-needs-teacher", u) for _ in range(max(1, per_unit_groups // 15))]
                    for u in self.unit_ids}
        curators = {u: [hire("curator", u) for _ in range(max(1, per_unit_groups // 20))] for u in self.unit_ids}

        self.groups: list[_Group] = []
        remaining = {"pt": size.pt_students, "at": size.at_students, "eat": size.eat_students}
        teacher_load: dict[str, tuple[str, int]] = {}
        unit_ordinal: dict[str, int] = {}  # groups of each unit so far: staff take turns within the unit
        index = 0
        for study_type, count in groups_per_type.items():
            months, per_group, _ = STUDY_TYPES[study_type]
            for g in range(count):
                unit_id, field_code, qualification, _name = self.units[index % n_units]
                # cohorts: autumn starts of the last three years and January starts, so every phase exists
                years_back = g % 3
                january = g % 5 == 4
                start_year = size.as_of.year - years_back - (0 if size.as_of.month >= 8 else 1)
                start = date(start_year + (1 if january else 0), 1, 9) if january else date(start_year, 8, 12)
                if start > size.as_of:
                    start = date(start.year - 1, start.month, start.day)
                end = start + timedelta(days=round(months * 30.4))
                group_size = max(1, min(per_group, remaining[study_type]))
                remaining[study_type] -= group_size
                nth = unit_ordinal.get(unit_id, 0)
                unit_ordinal[unit_id] = nth + 1
                key = (unit_id, study_type)
                teacher, load = teacher_load.get(key, ("", 2))
                if load >= 2 or rng.random() < 0.35:  # most teachers own one group, some two
                    teacher, load = hire("responsible-teacher", unit_id), 0
                teacher_load[key] = (teacher, load + 1)
                self.groups.append(_Group(
                    group_id=f"{field_code}{start.year % 100:02d}{'K' if january else ''}{study_type.upper()}{g:03d}",
                    unit_id=unit_id, qualification=qualification, study_type=study_type, start=start, end=end,
                    size=group_size, teacher=teacher, counselor=counselors[unit_id][nth % len(counselors[unit_id])]
                    if counselors[unit_id] else counselors[self.unit_ids[0]][0],
                    special_needs=specials[unit_id][nth % len(specials[unit_id])],
                    curator=curators[unit_id][nth % len(curators[unit_id])],
                ))
                index += 1

    # ---- the feed -------------------------------------------------------------------------
    def staff_events(self) -> Iterator[IntegrationEvent]:
        for person in self.staff:
            yield StaffUpserted(source_version=1, staff_oid=person.oid, display_name=person.name,
                                roles=person.roles, unit_ids=person.units)

    def group_events(self) -> Iterator[IntegrationEvent]:
        for g in self.groups:
            yield GroupUpserted(
                source_version=1, group_id=g.group_id, code=g.group_id, unit_id=g.unit_id,
                unit_name=self.unit_names[g.unit_id],
                qualification_code=g.qualification, study_type=g.study_type, start_date=g.start,
                planned_end_date=g.end, responsible_teacher_oids=[g.teacher], counselor_oid=g.counselor,
                special_needs_teacher_oid=g.special_needs, curator_oid=g.curator,
            )

    def student_events(self) -> Iterator[IntegrationEvent]:
        """Per student: the student, the HOKS, the study right, credits and absences."""
        number = 0
        for gi, g in enumerate(self.groups):
            rng = random.Random(f"{self.size.seed}/{gi}")
            for _ in range(g.size):
                number += 1
                yield from self._student(rng, g, number)

    def events(self) -> Iterator[IntegrationEvent]:
        yield from self.staff_events()
        yield from self.group_events()
        yield from self.student_events()

    def _student(self, rng: random.Random, g: _Group, number: int) -> Iterator[IntegrationEvent]:
        as_of = self.size.as_of
        student = _oid(24, 60_000_000_000 + self.size.seed % 1000 * 10_000_000 + number)
        study_right = _oid(15, 70_000_000_000 + self.size.seed % 1000 * 10_000_000 + number)
        if g.study_type == "pt":
            birth = date(g.start.year - 16 - (rng.random() < 0.25), rng.randint(1, 12), rng.randint(1, 28))
        else:
            birth = date(rng.randint(1968, 2001), rng.randint(1, 12), rng.randint(1, 28))
        compulsory_ends = None
        if birth.year >= 2004:
            compulsory_ends = date(birth.year + 18, birth.month, birth.day) - timedelta(days=1)
        yield StudentUpserted(
            source_version=1, student_oid=student, group_id=g.group_id, study_type=g.study_type,
            responsible_teacher_oid=g.teacher, unit_id=g.unit_id, location="main-campus",
            study_form="contact" if g.study_type == "pt" else "work-based",
            compulsory_education_ends=compulsory_ends,
            display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        )
        # HOKS: vocational units spread over the planned study time, plus common units for pt
        _, _, planned_points = STUDY_TYPES[g.study_type]
        span = (g.end - g.start).days
        chosen = rng.sample(VOCATIONAL_UNITS, k=min(len(VOCATIONAL_UNITS), 5 + rng.randint(0, 3)))
        units, offset = [], 0
        for code, points in chosen:
            length = max(30, int(span * points / planned_points))
            starts = g.start + timedelta(days=offset % max(1, span))
            units.append(PlannedUnit(unit_code=code, kind="vocational", points=points, starts=starts,
                                     ends=min(g.end, starts + timedelta(days=length))))
            offset += length
        if g.study_type == "pt":
            units += [PlannedUnit(unit_code=c, kind="common", points=p, starts=g.start, ends=g.end)
                      for c, p in COMMON_UNITS]
        approved = g.start + timedelta(days=rng.randint(5, 45))
        stale = rng.random() < 0.2
        latest = max(approved, as_of - timedelta(days=rng.randint(200, 400) if stale else rng.randint(0, 120)))
        updated = min(as_of, latest)
        yield HoksUpdated(
            source_version=_ms(updated), hoks_id=f"hoks-{study_right}", student_oid=student,
            study_right_oid=study_right, first_approved=min(approved, as_of), updated_at=_stamp(updated),
            planned_units=units, planned_points=sum(u.points or 0 for u in units),
            target_completion_date=g.end, learning_support=rng.random() < 0.15,
        )
        # study right: present, some interrupted or resigned lately
        progress = min(1.0, max(0.0, (as_of - g.start).days / max(1, span)))
        periods = [StatusPeriod(start=g.start, state="lasna")]
        roll = rng.random()
        if roll < 0.04 and progress > 0.1:
            periods.append(StatusPeriod(start=as_of - timedelta(days=rng.randint(3, 60)), state="valiaikaisestikeskeytynyt"))
        elif roll < 0.06 and progress > 0.1:
            periods.append(StatusPeriod(start=as_of - timedelta(days=rng.randint(3, 90)), state="eronnut"))
        pace = rng.uniform(0.45, 1.15)
        earned_target = planned_points * progress * pace
        earned, credits = 0.0, []
        for unit in sorted(units, key=lambda u: u.ends or g.end):
            if earned + (unit.points or 0) > earned_target or unit.ends is None or unit.ends > as_of:
                continue
            earned += unit.points or 0
            credits.append(unit)
        yield StudyRightStatus(
            source_version=_ms(max(p.start for p in periods)), study_right_oid=study_right, student_oid=student,
            periods=periods, estimated_end=g.end, completed_points=earned, completed_units=len(credits),
            compulsory_education_ends=compulsory_ends,
        )
        for unit in credits:
            yield CreditRecorded(source_version=_ms(unit.ends), credit_id=f"cr-{study_right}-{unit.unit_code}",
                                 student_oid=student, unit_code=unit.unit_code, points=unit.points or 0, day=unit.ends)
        # absences this academic year: most a few, some many
        year_start = date(as_of.year if as_of.month >= 8 else as_of.year - 1, 8, 1)
        since = max(year_start, g.start)
        school_days = max(0, (as_of - since).days * 5 // 7)
        rate = 0.12 if rng.random() < 0.12 else 0.03
        for a in range(min(40, int(school_days * rate * rng.uniform(0.3, 1.7)))):
            day = since + timedelta(days=rng.randint(0, max(0, (as_of - since).days)))
            yield AbsenceRecorded(source_version=_ms(day), absence_id=f"abs-{student}-{a}", student_oid=student,
                                  day=day, hours=float(rng.choice((1, 2, 3, 4, 6))), excused=rng.random() < 0.4)
