"""Valpas tasks for compulsory-education students whose study right is interrupted or resigned."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hoks_referrals import handlers
from hoks_referrals.domain.valpas import StudentFacts
from .fakes import COUNSELOR, deps, valpas_tasks
from hoks_referrals.handlers import Clock
from hoks_shared.contracts.sis import StudyRightStatus
from hoks_testing import samples

NOW = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # Monday


def status(state: str, start: date = date(2026, 10, 2), ends: date | None = date(2027, 12, 31),
           oid: str = "1.2.246.562.15.50000000001", student: str = samples.STUDENT) -> StudyRightStatus:
    return StudyRightStatus(source_version=1, study_right_oid=oid, student_oid=student,
                            periods=[{"start": date(2025, 8, 11), "state": "lasna"}, {"start": start, "state": state}],
                            compulsory_education_ends=ends)


async def test_an_interrupted_compulsory_education_student_gets_one_task_for_the_counselor_with_the_deadline():
    d = deps(NOW)
    [task_id] = await valpas_tasks([status("valiaikaisestikeskeytynyt")], d)
    task = d.referrals.stored[task_id]
    assert (task.target, task.origin, task.reason_code) == ("valpas-notification", "valpas", "study-right-interrupted")
    assert task.assignee_oid == COUNSELOR and task.unit_id == "unit-tech"
    assert task.acknowledge_by == date(2026, 10, 6)  # 1 school day after it became known (Mon → Tue)
    assert d.referrals.event_types(task_id) == ["referral-made"]
    # the same status again (replay, duplicate) makes no second task
    assert await valpas_tasks([status("valiaikaisestikeskeytynyt")], d) == []


async def test_resigned_states_count_and_the_deadline_is_configurable():
    d = deps(NOW, valpas_deadline_school_days=3)
    created = await valpas_tasks(
        [status("eronnut"), status("katsotaaneronneeksi", oid="1.2.246.562.15.50000000002")], d)
    assert len(created) == 2
    assert {d.referrals.stored[i].reason_code for i in created} == {"study-right-resigned"}
    assert {d.referrals.stored[i].acknowledge_by for i in created} == {date(2026, 10, 8)}


async def test_no_task_outside_compulsory_education_or_for_other_states_or_future_changes():
    d = deps(NOW)
    events = [
        status("valiaikaisestikeskeytynyt", ends=None),  # not in compulsory education (e.g. born before 2004)
        status("eronnut", ends=date(2026, 9, 30)),  # compulsory education ended before the change
        status("lasna"), status("valmistunut"), status("loma"),
        status("eronnut", start=date(2026, 11, 1)),  # not in force yet
    ]
    assert await valpas_tasks(events, d) == []


async def test_compulsory_education_known_only_from_the_student_view_counts():
    d = deps(NOW)
    d.directory.students[samples.STUDENT] = StudentFacts("unit-tech", samples.TEACHER, date(2027, 6, 1))
    assert len(await valpas_tasks([status("eronnut", ends=None)], d)) == 1


async def test_an_unknown_student_still_gets_a_task_in_the_unassigned_queue():
    d = deps(NOW)
    [task_id] = await valpas_tasks([status("eronnut", student="1.2.246.562.24.77777777777")], d)
    assert d.referrals.stored[task_id].unit_id == "unassigned"


def test_clock_today_is_the_school_day_in_finland():
    assert Clock(datetime(2026, 10, 4, 22, 30, tzinfo=UTC)).today() == date(2026, 10, 5)
