"""Student-level meetings do not depend on the order their requests arrive in: the same referrals
fed in every order give the same meetings (slots and participants). The rule: request order —
the time a referral was made, ties by meeting id (``domain/student_meetings.py``)."""

from __future__ import annotations

import copy
import itertools
from dataclasses import replace
from datetime import UTC, date, datetime

from fakes import COUNSELOR, TEACHER, deps, group

from hoks_scheduler.adapters.student_reader import StudentPlacement
from hoks_scheduler.domain.student_meetings import NO_SLOT_LEFT, TAKEN
from hoks_scheduler.handlers.planning import PlanYear, plan_year
from hoks_scheduler.handlers.student_meetings import on_referral_made
from hoks_testing import samples

OTHER_COUNSELOR = "1.2.246.562.24.20000000011"
OTHER_TEACHER = "1.2.246.562.24.20000000012"
SPECIALIST_X = "1.2.246.562.24.20000000021"
SPECIALIST_Y = "1.2.246.562.24.20000000022"
STUDENTS = [f"1.2.246.562.24.3000000010{n}" for n in range(1, 6)]
GROUPS = [group("TVO24A"), group("TVO24B", counselor_oid=OTHER_COUNSELOR, responsible_teacher_oids=(OTHER_TEACHER,))]
PLACEMENTS = [StudentPlacement(STUDENTS[0], "TVO24A", "unit-tech", TEACHER, True),
              StudentPlacement(STUDENTS[1], "TVO24A", "unit-tech", TEACHER, True),
              StudentPlacement(STUDENTS[2], "TVO24B", "unit-tech", OTHER_TEACHER, True),
              StudentPlacement(STUDENTS[3], "TVO24B", "unit-tech", OTHER_TEACHER, True),
              StudentPlacement(STUDENTS[4], "TVO24A", "unit-tech", TEACHER, True)]
MADE = datetime(2026, 9, 14, 7, tzinfo=UTC)


def referrals() -> list:
    """Five referrals on one morning sharing counselors, teachers and specialists; two made at the
    same moment (their order is the ids')."""
    specialists = [SPECIALIST_X, SPECIALIST_Y, SPECIALIST_X, SPECIALIST_Y, None]
    minutes = [5, 0, 5, 1, 2]
    return [samples.referral_made(referral_id=f"ref-{n}", student_oid=student, assignee_oid=specialist,
                                  made_at=MADE.replace(minute=minute))
            for n, (student, specialist, minute) in enumerate(zip(STUDENTS, specialists, minutes, strict=True))]


def meetings_of(d) -> dict[str, tuple]:
    return {m.meeting_id: (m.day, m.slot, m.seats) for m in d.meetings.docs.values()
            if m.kind == "student" and m.planned}


async def planned_year():
    d = deps(today=date(2026, 9, 1), groups=GROUPS, students=PLACEMENTS)
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    return d


async def test_the_same_referrals_in_every_order_give_the_same_meetings():
    base = await planned_year()
    outcomes: dict[tuple, list[tuple[str, ...]]] = {}
    displaced = 0
    for order in itertools.permutations(referrals()):
        d = replace(base, meetings=copy.deepcopy(base.meetings))
        for event in order:
            assert (await on_referral_made(event, d)).status == "scheduled"
        displaced += len([e for e in d.meetings.events("meeting-rescheduled") if e["reason_code"] == TAKEN])
        outcomes.setdefault(tuple(sorted(meetings_of(d).items())), []).append(
            tuple(e.referral_id for e in order))
    assert len(outcomes) == 1, f"{len(outcomes)} different outcomes"
    [placed] = [dict(o) for o in outcomes]
    assert len(placed) == 5
    # the referrals competed: in some orders an earlier-made one arrived late and took a slot
    assert displaced > 0
    # nobody has two meetings at once, the group rounds included
    d = replace(base, meetings=copy.deepcopy(base.meetings))
    for event in referrals():
        await on_referral_made(event, d)
    held = [(p, m.day, m.slot) for m in d.meetings.docs.values() if m.planned for p in m.required_oids]
    assert len(held) == len(set(held))


async def test_in_request_order_the_earlier_made_referral_gets_the_earlier_slot():
    base = await planned_year()
    first, second = referrals()[1], referrals()[4]  # both with TEACHER and COUNSELOR: 07:00 and 07:02
    d = replace(base, meetings=copy.deepcopy(base.meetings))
    await on_referral_made(second, d)
    late = await on_referral_made(first, d)  # made earlier, arrives later
    taken = d.meetings.docs["stu-ref-4"]
    assert (late.meeting.day, late.meeting.slot) < (taken.day, taken.slot)
    [moved] = d.meetings.events("meeting-rescheduled")
    assert moved["meeting_id"] == "stu-ref-4" and moved["reason_code"] == TAKEN and moved["sequence"] == 1
    assert {p["person_oid"] for p in moved["participants"]} >= {COUNSELOR, TEACHER, STUDENTS[4]}


async def test_a_meeting_left_without_a_slot_by_an_earlier_request_is_cancelled_and_recorded():
    base = await planned_year()
    one_day = replace(base.config, student_meetings=replace(base.config.student_meetings, within_school_days=1))
    same_people = [samples.referral_made(referral_id=f"ref-{n}", student_oid=STUDENTS[n % 2],
                                         made_at=MADE.replace(minute=n)) for n in range(4)]
    outcomes = []
    for order in (same_people, same_people[::-1]):
        d = replace(base, config=one_day, meetings=copy.deepcopy(base.meetings))
        for event in order:
            await on_referral_made(event, d)
        outcomes.append(meetings_of(d))
    # the counselor holds at most three meetings a day: the last-made referral is the one left out
    assert outcomes[0] == outcomes[1] and sorted(outcomes[0]) == ["stu-ref-0", "stu-ref-1", "stu-ref-2"]
    [gone] = d.meetings.events("meeting-cancelled")
    assert gone["meeting_id"] == "stu-ref-3" and gone["reason_code"] == NO_SLOT_LEFT
    assert d.meetings.unplaced["stu-ref-3"]["reason"] == NO_SLOT_LEFT


async def test_referrals_that_waited_for_their_students_are_retried_in_request_order():
    from hoks_scheduler.handlers.student_meetings import retry_unknown_students

    base = await planned_year()
    d = replace(base, meetings=copy.deepcopy(base.meetings), students=type(base.students)())
    later, earlier = referrals()[4], referrals()[1]  # made 07:02 and 07:00, sharing the counselor
    for event in (later, earlier):  # recorded in this order: the student is not in the SIS view yet
        assert (await on_referral_made(event, d)).status == "unplaced"
    d.students.students = {p.student_oid: p for p in PLACEMENTS}
    results = await retry_unknown_students(d)
    assert [r.meeting_id for r in results] == ["stu-ref-1", "stu-ref-4"]
    first, second = d.meetings.docs["stu-ref-1"], d.meetings.docs["stu-ref-4"]
    assert (first.day, first.slot) < (second.day, second.slot)
    assert d.meetings.events("meeting-rescheduled") == []  # nothing had to move
