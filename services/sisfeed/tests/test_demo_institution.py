"""The demo institution: deterministic, shaped like the slides, every phase present, plausible data."""

from __future__ import annotations

from collections import Counter
from datetime import date

from hoks_shared.contracts.sis import AbsenceRecorded, GroupUpserted, HoksUpdated, StudentUpserted, StudyRightStatus
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize
from hoks_sisfeed.records import feed_record

AS_OF = date(2026, 11, 28)


def test_same_seed_same_feed_other_seed_other_feed():
    small = DemoSize.scaled(300, as_of=AS_OF)
    def feed(size):  # everything but the moment of sending (ce_time)
        return [(r.topic, r.key, r.value, {k: v for k, v in r.headers.items() if k != "ce_time"})
                for r in map(feed_record, DemoInstitution(size).events())]

    a, b = feed(small), feed(small)
    assert a == b
    assert a != feed(DemoSize.scaled(300, as_of=AS_OF, seed=7))


def test_default_looks_like_the_slides():
    inst = DemoInstitution(DemoSize(as_of=AS_OF))
    students = [e for e in inst.student_events() if isinstance(e, StudentUpserted)]
    by_type = Counter(s.study_type for s in students)
    assert by_type["pt"] == 3800 and by_type["at"] > 0 and by_type["eat"] > 0
    pt_groups = [g for g in inst.groups if g.study_type == "pt"]
    assert len(pt_groups) == 190
    roles = Counter(r for person in inst.staff for r in person.roles)
    assert roles["counselor"] == 16
    assert roles["education-manager"] == len(inst.units)
    assert roles["special-needs-teacher"] >= len(inst.units) and roles["curator"] >= len(inst.units)
    assert len({s.student_oid for s in students}) == len(students)


def test_groups_are_in_every_phase_of_their_studies():
    inst = DemoInstitution(DemoSize(as_of=AS_OF))
    progress = [(AS_OF - g.start).days / (g.end - g.start).days for g in inst.groups]
    assert any(p < 0.15 for p in progress), "groups that just started"
    assert any(0.3 < p < 0.7 for p in progress), "groups in mid-studies"
    assert any(p > 0.8 for p in progress), "groups in the final phase"


def test_students_carry_plausible_hoks_status_and_absences():
    events = list(DemoInstitution(DemoSize.scaled(2000, as_of=AS_OF)).events())
    hokses = [e for e in events if isinstance(e, HoksUpdated)]
    assert all(h.planned_points >= 100 for h in hokses)
    stale = sum((AS_OF - h.updated_at.date()).days > 180 for h in hokses) / len(hokses)
    assert 0.1 < stale < 0.35
    states = Counter(s.periods[-1].state for s in events if isinstance(s, StudyRightStatus))
    assert states["lasna"] > 0.85 * sum(states.values()) and states["valiaikaisestikeskeytynyt"] > 0
    absent = Counter(a.student_oid for a in events if isinstance(a, AbsenceRecorded))
    assert max(absent.values()) > 3 * (sum(absent.values()) / len(absent))  # some students are absent a lot
    groups = [e for e in events if isinstance(e, GroupUpserted)]
    assert all(g.planned_end_date > g.start_date for g in groups)


def test_scales_to_national_size_without_holding_it_in_memory():
    inst = DemoInstitution(DemoSize.scaled(350_000, as_of=AS_OF))
    assert sum(g.size for g in inst.groups) == 350_000
    first = next(iter(inst.student_events()))  # a generator: nothing is built ahead
    assert isinstance(first, StudentUpserted)
