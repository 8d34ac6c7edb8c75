"""Use cases through the handlers with fakes: checklists, lifecycle events, SLA, meetings."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from hoks_referrals import handlers
from hoks_referrals.domain.referral import InvalidTransition
from .fakes import COUNSELOR, CURATOR, SNT, TEACHER, deps
from hoks_referrals.handlers import Clock
from hoks_testing import samples


def checklist():
    return samples.checklist_completed(rows=[
        samples.checklist_row(outcome="no-action"),
        samples.checklist_row(samples.STUDENT, outcome="referral",
                              referral={"target": "special-needs-teacher", "reason_code": "study-skills"}),
        samples.checklist_row(outcome="referral", referral={"target": "curator", "reason_code": "absences"}),
        samples.checklist_row(samples.STUDENT, outcome="hoks-update"),
    ])


async def test_each_referral_row_makes_one_routed_referral_with_its_event_in_the_outbox():
    d = deps()
    created = await handlers.refer_from_checklist(checklist(), d)
    assert len(created) == 2
    snt = next(r for r in d.referrals.stored.values() if r.target == "special-needs-teacher")
    assert (snt.student_oid, snt.assignee_oid, snt.routed_by) == (samples.STUDENT, SNT, "role")
    assert snt.acknowledge_by == date(2026, 9, 21)  # 5 school days from Monday 14.9.
    curator = next(r for r in d.referrals.stored.values() if r.target == "curator")
    assert (curator.assignee_oid, curator.reason_code, curator.acknowledge_by) == (CURATOR, "welfare", date(2026, 9, 17))
    body = d.referrals.outbox[snt.referral_id][0]["body"]
    assert body["event_type"] == "referral-made"
    assert (body["assignee_oid"], body["acknowledge_by"]) == (SNT, "2026-09-21")


async def test_a_checklist_delivered_twice_refers_once():
    d, event = deps(), checklist()
    assert len(await handlers.refer_from_checklist(event, d)) == 2
    assert await handlers.refer_from_checklist(event, d) == []
    assert len(d.referrals.stored) == 2 and len(d.referrals.events()) == 2


async def test_accept_then_close_emit_their_events_and_close_the_loop():
    d = deps()
    [ref_id, _] = await handlers.refer_from_checklist(checklist(), d)
    await handlers.accept(handlers.Accept(ref_id, SNT), d)
    closed = await handlers.close(handlers.Close(ref_id, "hoks-updated", SNT), d)
    assert closed.status == "closed"
    assert d.referrals.event_types(ref_id) == ["referral-made", "referral-accepted", "referral-closed"]
    body = d.referrals.outbox[ref_id][-1]["body"]
    assert body["referred_by_oid"] == samples.COUNSELOR  # the one who referred is told the outcome
    assert (body["status"], body["outcome_code"], body["target"]) == ("closed", "hoks-updated", "special-needs-teacher")
    ids = [e["id"] for e in d.referrals.outbox[ref_id]]
    assert len(set(ids)) == 3


async def test_invalid_transitions_write_nothing():
    d = deps()
    [ref_id, _] = await handlers.refer_from_checklist(checklist(), d)
    await handlers.cancel(handlers.Cancel(ref_id, "duplicate", COUNSELOR), d)
    with pytest.raises(InvalidTransition):
        await handlers.accept(handlers.Accept(ref_id, SNT), d)
    assert d.referrals.event_types(ref_id) == ["referral-made", "referral-closed"]
    assert d.referrals.outbox[ref_id][-1]["body"]["status"] == "cancelled"


async def test_a_concurrent_change_is_a_conflict_not_a_lost_update():
    d = deps()
    [ref_id, _] = await handlers.refer_from_checklist(checklist(), d)
    stale = d.referrals.stored[ref_id]
    await handlers.accept(handlers.Accept(ref_id, SNT), d)
    assert await d.referrals.save(stale.cancel("duplicate", COUNSELOR, samples.T0), []) is False


async def test_overdue_is_flagged_once_with_one_event_and_counted_per_target():
    d = deps()
    await handlers.refer_from_checklist(checklist(), d)
    d.clock = Clock(samples.T0 + timedelta(days=3))  # Thursday 17.9.: curator's SLA day, not yet late
    assert await handlers.mark_overdue(handlers.MarkOverdue(), d) == []
    d.clock = Clock(samples.T0 + timedelta(days=4))
    [late] = await handlers.mark_overdue(handlers.MarkOverdue(), d)
    assert d.referrals.stored[late].target == "curator"
    d.clock = Clock(samples.T0 + timedelta(days=10))
    assert len(await handlers.mark_overdue(handlers.MarkOverdue(), d)) == 1  # the other one now; the curator's not again
    assert await handlers.mark_overdue(handlers.MarkOverdue(), d) == []
    overdue_events = [e for e in d.referrals.events() if e["body"]["event_type"] == "referral-overdue"]
    assert len(overdue_events) == 2
    open_, overdue = handlers.open_and_overdue_by_target(await d.referrals.all())
    assert open_ == {"special-needs-teacher": 1, "curator": 1} and overdue == open_


async def test_the_student_meeting_planned_for_a_referral_moves_it_on_once():
    d = deps()
    referral = await handlers.make_referral(
        handlers.NewReferral(samples.STUDENT, "student-meeting", "student-request", "student", made_by_oid=TEACHER), d)
    assert referral.assignee_oid == TEACHER and referral.origin == "student"
    scheduled = samples.meeting_scheduled(
        meeting_id="mtg-s-1", kind="student", group_id=None, student_oid=samples.STUDENT, round=None,
        referral_id=referral.referral_id,
        participants=[{"person_oid": samples.STUDENT, "role": "student"},
                      {"person_oid": TEACHER, "role": "responsible-teacher"}])
    assert await handlers.meeting_scheduled(scheduled, d) is True
    assert await handlers.meeting_scheduled(scheduled, d) is False
    stored = d.referrals.stored[referral.referral_id]
    assert (stored.status, stored.meeting_id) == ("meeting-scheduled", "mtg-s-1")
    assert await handlers.meeting_scheduled(samples.meeting_scheduled(), d) is False  # no referral_id: ignored


async def test_the_referrals_meeting_moved_or_cancelled_is_followed_and_others_are_ignored():
    from hoks_shared.contracts.meetings import MeetingCancelled, MeetingRescheduled

    d = deps()
    referral = await handlers.make_referral(
        handlers.NewReferral(samples.STUDENT, "special-needs-teacher", "study-skills", "staff", made_by_oid=COUNSELOR), d)
    meeting_id = f"stu-{referral.referral_id}"
    people = [{"person_oid": samples.STUDENT, "role": "student"}, {"person_oid": SNT, "role": "specialist"}]
    place = dict(meeting_id=meeting_id, kind="student", unit_id="unit-tech", student_oid=samples.STUDENT)
    await handlers.meeting_scheduled(samples.meeting_scheduled(
        **place, group_id=None, round=None, referral_id=referral.referral_id, participants=people), d)
    later = samples.T0 + timedelta(days=7)
    moved = MeetingRescheduled(**place, starts_at=later, ends_at=later + timedelta(minutes=45), participants=people,
                               reason_code="staff-absent", sequence=1)
    assert await handlers.meeting_changed(moved, d) is True
    assert await handlers.meeting_changed(moved, d) is False  # the same move again
    assert d.referrals.stored[referral.referral_id].meeting_starts_at == later
    other = MeetingCancelled(**{**place, "meeting_id": "stu-ref-someone-else"}, reason_code="x-y", sequence=2)
    assert await handlers.meeting_changed(other, d) is False
    cancelled = MeetingCancelled(**place, reason_code="student-absent", sequence=2)
    assert await handlers.meeting_changed(cancelled, d) is True
    back = d.referrals.stored[referral.referral_id]
    assert (back.status, back.meeting_id, back.meeting_starts_at) == ("made", None, None)
    assert d.referrals.event_types(referral.referral_id) == ["referral-made"]  # internal moves: no public event


async def test_routing_spreads_students_over_the_units_role_holders_and_keeps_a_student_with_one():
    """Each student has one special-needs teacher of the unit (the highest standing), whatever
    else is open; different students spread over both holders."""
    from hoks_referrals.domain.routing import Candidate

    d = deps()
    second = "1.2.246.562.24.20000000005"
    d.directory.staff.append(Candidate(second, frozenset({"special-needs-teacher"}), frozenset({"unit-tech"})))
    students = [f"1.2.246.562.24.3000000{i:04d}" for i in range(40)]
    for s in students:
        d.directory.students[s] = d.directory.students[samples.STUDENT]
    made = [await handlers.make_referral(handlers.NewReferral(s, "special-needs-teacher", code, "staff",
                                                              made_by_oid=COUNSELOR), d)
            for s in students for code in ("study-skills", "absences")]
    per_student = {s: {r.assignee_oid for r in made if r.student_oid == s} for s in students}
    assert all(len(a) == 1 for a in per_student.values())  # a student's referrals go to one person
    shares = Counter(next(iter(a)) for a in per_student.values())
    assert set(shares) == {SNT, second} and min(shares.values()) >= 10  # both get a fair share of 40
