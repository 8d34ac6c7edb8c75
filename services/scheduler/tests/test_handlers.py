"""Use cases through the handlers with in-memory fakes: plan and re-plan a year, student-level
meetings from referrals and requests, reschedule and cancel, and the events each one emits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from fakes import COUNSELOR, SPECIAL, STUDENT, TEACHER, deps, group

from hoks_scheduler.adapters.student_reader import StudentPlacement
from hoks_scheduler.domain.errors import Conflict, InvalidRequest
from hoks_scheduler.handlers.changes import Cancel, Reschedule, cancel, reschedule
from hoks_scheduler.handlers.planning import PlanYear, plan_year
from hoks_scheduler.handlers.student_meetings import on_referral_made
from hoks_shared.contracts.meetings import MeetingCancelled, MeetingRescheduled, MeetingScheduled
from hoks_testing import samples

SPECIALIST = "1.2.246.562.24.20000000009"
PLACEMENT = StudentPlacement(STUDENT, "TVO24A", "unit-tech", TEACHER, True)


async def test_planning_a_year_schedules_every_round_once_and_again_emits_nothing():
    d = deps()
    report = await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    assert report["scheduled"] == 5 and report["unplaced"] == [] and report["quality"]["double_bookings"] == 0
    events = [MeetingScheduled.model_validate(e) for e in d.meetings.events("meeting-scheduled")]
    assert sorted(e.meeting_id for e in events) == [f"grp-TVO24A-2026-2027-r{r}" for r in range(1, 6)]
    assert {e.round for e in events} == {1, 2, 3, 4, 5}
    assert all({p.person_oid for p in e.participants} >= {COUNSELOR, TEACHER, SPECIAL} for e in events)
    assert [e.theme for e in sorted(events, key=lambda e: e.round)][-1] == "final-phase"  # ends 2027-05-31
    again = await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    assert (again["scheduled"], again["rescheduled"], again["cancelled"], again["kept"]) == (0, 0, 0, 5)
    assert len(d.meetings.outbox) == 5


async def test_re_planning_after_a_staff_change_and_a_group_ending_emits_changes_with_higher_sequence():
    d = deps(groups=[group("TVO24A"), group("TVO24B", responsible_teacher_oids=("1.2.246.562.24.20000000007",))])
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    new_special = "1.2.246.562.24.20000000008"
    d.groups.groups["TVO24A"] = replace(d.groups.groups["TVO24A"], special_needs_teacher_oid=new_special)
    d.groups.groups["TVO24B"] = replace(d.groups.groups["TVO24B"], active=False)
    d.today = lambda: date(2026, 11, 2)
    report = await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    moved = [MeetingRescheduled.model_validate(e) for e in d.meetings.events("meeting-rescheduled")]
    gone = [MeetingCancelled.model_validate(e) for e in d.meetings.events("meeting-cancelled")]
    future_a = [m for m in d.meetings.docs.values() if m.group_id == "TVO24A" and m.day >= date(2026, 11, 2)]
    assert {e.meeting_id for e in moved} == {m.meeting_id for m in future_a}
    assert all(e.sequence == 1 and e.reason_code == "participants-changed" for e in moved)
    assert all(new_special in {p.person_oid for p in e.participants} for e in moved)
    assert {e.meeting_id for e in gone} == {m.meeting_id for m in d.meetings.docs.values()
                                            if m.group_id == "TVO24B" and m.day >= date(2026, 11, 2)}
    assert report["cancelled"] == len(gone) > 0
    past = [m for m in d.meetings.docs.values() if m.day < date(2026, 11, 2)]
    assert past and all(m.sequence == 0 and m.planned for m in past)  # history is never touched


async def test_a_participant_away_on_the_planned_day_moves_the_meeting():
    d = deps()
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    r3 = d.meetings.docs["grp-TVO24A-2026-2027-r3"]
    await d.meetings.set_unavailable(TEACHER, [r3.day])
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    after = d.meetings.docs["grp-TVO24A-2026-2027-r3"]
    assert after.day != r3.day and after.sequence == 1
    assert [e["meeting_id"] for e in d.meetings.events("meeting-rescheduled")] == [r3.meeting_id]


async def test_a_group_without_a_special_needs_teacher_is_reported_unplaced_with_the_reason():
    d = deps(groups=[group(special_needs_teacher_oid=None)])
    report = await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    assert report["scheduled"] == 0
    assert {u["reason"] for u in report["unplaced"]} == {"missing-special-needs-teacher"}
    assert len(report["unplaced"]) == 5


async def test_referral_made_schedules_a_student_level_meeting_with_the_student_within_the_limit():
    d = deps(students=[PLACEMENT])
    made_at = datetime(2026, 9, 14, 10, tzinfo=UTC)
    event = samples.referral_made(referral_id="ref-42", assignee_oid=SPECIALIST, made_at=made_at)
    result = await on_referral_made(event, d)
    assert result.status == "scheduled"
    body = MeetingScheduled.model_validate(d.meetings.events("meeting-scheduled")[0])
    assert body.meeting_id == "stu-ref-42" and body.kind == "student" and body.referral_id == "ref-42"
    roles = {p.person_oid: p.role for p in body.participants}
    assert roles == {STUDENT: "student", COUNSELOR: "counselor", TEACHER: "responsible-teacher",
                     SPECIALIST: "specialist"}
    limit = d.config.calendar_for("2026-2027").school_days_after(date(2026, 9, 14), 10)[-1]
    assert date(2026, 9, 14) < body.starts_at.date() <= limit
    assert (await on_referral_made(event, d)).status == "exists"
    assert len(d.meetings.outbox) == 1


async def test_a_referral_meeting_avoids_the_participants_busy_slots():
    d = deps(students=[PLACEMENT])
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    r1 = d.meetings.docs["grp-TVO24A-2026-2027-r1"]
    made = datetime.combine(r1.day - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    await d.meetings.set_unavailable(SPECIALIST, [])
    result = await on_referral_made(samples.referral_made(referral_id="ref-7", made_at=made), d)
    m = result.meeting
    assert (m.day, m.slot) != (r1.day, r1.slot)


async def test_a_curators_referral_gets_a_student_meeting_with_the_curator_as_the_specialist():
    d = deps(students=[PLACEMENT])
    curator = "1.2.246.562.24.20000000444"
    result = await on_referral_made(samples.referral_made(referral_id="ref-c", target="curator", reason_code="welfare",
                                                             assignee_oid=curator,
                                                             made_at=datetime(2026, 9, 14, 10, tzinfo=UTC)), d)
    assert result.status == "scheduled"
    body = MeetingScheduled.model_validate(d.meetings.events("meeting-scheduled")[0])
    assert {p.person_oid: p.role for p in body.participants}[curator] == "specialist"
    assert body.referral_id == "ref-c" and body.student_oid == STUDENT


async def test_welfare_referrals_and_unknown_students_make_no_meeting():
    d = deps(students=[PLACEMENT])
    welfare = await on_referral_made(samples.referral_made(referral_id="ref-w", target="psychologist",
                                                              reason_code="welfare"), d)
    assert welfare.status == "ignored"  # the psychologist and the welfare group: on the welfare side
    unknown = await on_referral_made(samples.referral_made(referral_id="ref-u",
                                                              student_oid="1.2.246.562.24.30000000099"), d)
    assert unknown.status == "unplaced" and unknown.reason == "student-unknown"
    assert d.meetings.unplaced["stu-ref-u"]["reason"] == "student-unknown"
    assert d.meetings.outbox == []


async def test_no_common_slot_in_the_period_is_reported():
    d = deps(students=[PLACEMENT])
    days = d.config.calendar_for("2026-2027").school_days
    await d.meetings.set_unavailable(SPECIALIST, list(days))
    result = await on_referral_made(samples.referral_made(referral_id="ref-x", assignee_oid=SPECIALIST), d)
    assert result.status == "unplaced" and result.reason == "participant-unavailable"


async def test_reschedule_checks_the_slot_and_cancel_keeps_counting_the_sequence():
    d = deps(today=date(2026, 9, 1))
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    r2 = d.meetings.docs["grp-TVO24A-2026-2027-r2"]
    r1 = d.meetings.docs["grp-TVO24A-2026-2027-r1"]
    with pytest.raises(Conflict, match="already has a meeting"):
        await reschedule(Reschedule(r2.meeting_id, r1.starts_at, "staff-absent"), d)
    with pytest.raises(InvalidRequest, match="slot"):
        await reschedule(Reschedule(r2.meeting_id, r2.starts_at + timedelta(minutes=10), "staff-absent"), d)
    cal = d.config.calendar_for("2026-2027")
    target = next(day for day in cal.school_days if day > r2.day)
    moved = await reschedule(Reschedule(r2.meeting_id, cal.slot_times(target, 2)[0], "staff-absent"), d)
    assert moved.sequence == 1 and moved.day == target
    gone = await cancel(Cancel(r2.meeting_id, "group-ended"), d)
    assert gone.sequence == 2 and not gone.planned
    with pytest.raises(Conflict):
        await cancel(Cancel(r2.meeting_id, "group-ended"), d)
    kinds = [(e["event_type"], e.get("sequence")) for e in d.meetings.events() if e["meeting_id"] == r2.meeting_id]
    assert kinds == [("meeting-scheduled", 0), ("meeting-rescheduled", 1), ("meeting-cancelled", 2)]


async def test_a_meeting_cancelled_by_hand_stays_cancelled_when_the_year_is_planned_again():
    d = deps(today=date(2026, 9, 1))
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    await cancel(Cancel("grp-TVO24A-2026-2027-r4", "merged-with-round-3"), d)
    report = await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    assert (report["scheduled"], report["rescheduled"], report["cancelled"]) == (0, 0, 0)
    assert not d.meetings.docs["grp-TVO24A-2026-2027-r4"].planned


async def test_scopes_planned_before_are_re_planned_when_their_groups_or_availability_change():
    from hoks_scheduler.handlers.planning import replan_changed

    d = deps(today=date(2026, 8, 1))
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    d.today = lambda: date(2026, 10, 1)
    assert await replan_changed(d) == []  # nothing changed
    new_teacher = "1.2.246.562.24.20000000006"
    d.groups.groups["TVO24A"] = replace(d.groups.groups["TVO24A"], responsible_teacher_oids=(new_teacher,))
    [report] = await replan_changed(d)
    assert report["rescheduled"] == len([m for m in d.meetings.docs.values() if m.day >= date(2026, 10, 1)]) > 0
    assert all(new_teacher in m.person_oids for m in d.meetings.docs.values() if m.day >= date(2026, 10, 1))
    assert await replan_changed(d) == []
    future = next(m for m in d.meetings.docs.values() if m.day > date(2026, 10, 1))
    await d.meetings.set_unavailable(COUNSELOR, [future.day])
    [again] = await replan_changed(d)
    assert again["rescheduled"] == 1 and d.meetings.docs[future.meeting_id].day != future.day


async def test_a_special_needs_teacher_who_left_makes_the_remaining_rounds_unplaced_with_the_reason():
    from hoks_scheduler.handlers.planning import replan_changed

    d = deps(today=date(2026, 8, 1))
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    d.today = lambda: date(2026, 10, 1)
    d.groups.gone.add(SPECIAL)
    [report] = await replan_changed(d)
    future = [m for m in d.meetings.docs.values() if m.day >= date(2026, 10, 1)]
    assert future and all(not m.planned for m in future)
    assert report["cancelled"] == len(future)
    assert {u["reason"] for u in report["unplaced"]} == {"missing-special-needs-teacher"}


async def test_a_group_whose_planned_end_moves_gets_the_final_phase_theme_in_the_rescheduled_event():
    d = deps(today=date(2026, 8, 1), groups=[group(planned_end_date=date(2028, 5, 31))])
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    assert d.meetings.docs["grp-TVO24A-2026-2027-r5"].theme == "study-progress"
    d.groups.groups["TVO24A"] = replace(d.groups.groups["TVO24A"], planned_end_date=date(2027, 8, 31))
    d.today = lambda: date(2026, 10, 1)
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    r5 = d.meetings.docs["grp-TVO24A-2026-2027-r5"]
    assert r5.theme == "final-phase" and r5.sequence == 1
    [event] = [MeetingRescheduled.model_validate(e) for e in d.meetings.events("meeting-rescheduled")
               if e["meeting_id"] == r5.meeting_id]
    assert event.theme == "final-phase" and event.reason_code == "theme-changed"


async def test_a_referral_that_came_before_the_students_sis_record_is_placed_once_the_record_arrives():
    from hoks_scheduler.handlers.student_meetings import retry_unknown_students

    d = deps(today=date(2026, 9, 14))
    event = samples.referral_made(referral_id="ref-late", made_at=datetime(2026, 9, 14, 10, tzinfo=UTC))
    assert (await on_referral_made(event, d)).status == "unplaced"
    assert await retry_unknown_students(d) == []  # still unknown: nothing to do
    d.students.students[STUDENT] = PLACEMENT
    [result] = await retry_unknown_students(d)
    assert result.status == "scheduled" and result.meeting.meeting_id == "stu-ref-late"
    assert result.meeting.day <= d.config.calendar_for("2026-2027").school_days_after(date(2026, 9, 14), 10)[-1]
    assert d.meetings.unplaced == {}
    assert await retry_unknown_students(d) == []


async def test_an_old_referral_read_from_the_start_of_the_log_makes_no_meeting_in_the_past():
    d = deps(today=date(2026, 11, 2), students=[PLACEMENT])
    old = samples.referral_made(referral_id="ref-old", made_at=datetime(2026, 9, 14, 10, tzinfo=UTC))
    result = await on_referral_made(old, d)
    assert result.status == "unplaced" and result.reason == "no-school-day-in-period"
    assert d.meetings.outbox == []
