"""The settle window: a referral's request is held until it has waited ``settle`` since it arrived,
then placed with every pending request made before it, in request order. Requests that arrive in
any order within the window give the
meetings request order gives, and nothing moves; one that arrives later than the window moves the
later-made meetings as before (``slot-taken-by-earlier-request``)."""

from __future__ import annotations

import copy
import itertools
from dataclasses import replace
from datetime import timedelta

from test_student_meeting_order import MADE, meetings_of, planned_year, referrals

from hoks_scheduler.adapters.settings import SchedulerSettings
from hoks_scheduler.domain.student_meetings import TAKEN
from hoks_scheduler.handlers.student_meetings import on_referral_made, place_settled_requests

SETTLE = timedelta(minutes=10)


class Clock:
    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at


async def settling(base, at):
    clock = Clock(at)
    return replace(base, meetings=copy.deepcopy(base.meetings), settle=SETTLE, now=clock), clock


async def in_request_order(base) -> dict:
    """The meetings placed at once, the referrals arriving in request order (the reference)."""
    d = replace(base, meetings=copy.deepcopy(base.meetings))
    for event in sorted(referrals(), key=lambda e: (e.made_at, e.referral_id)):
        assert (await on_referral_made(event, d)).status == "scheduled"
    return meetings_of(d)


async def test_requests_in_any_order_within_the_window_move_nothing():
    base = await planned_year()
    expected = await in_request_order(base)
    for order in itertools.permutations(referrals()):
        d, clock = await settling(base, MADE.replace(minute=5, second=30))  # all five made, none due
        for event in order:
            assert (await on_referral_made(event, d)).status == "pending"
            assert await place_settled_requests(d) == []  # the pass runs meanwhile: nothing due yet
        assert meetings_of(d) == {} and d.meetings.outbox == base.meetings.outbox  # no event yet
        clock.at = MADE + SETTLE + timedelta(minutes=6)
        assert {r.status for r in await place_settled_requests(d)} == {"scheduled"}
        assert meetings_of(d) == expected
        new = d.meetings.outbox[len(base.meetings.outbox):]
        assert [e["body"]["event_type"] for e in new] == ["meeting-scheduled"] * 5  # one event each, no move
        assert d.meetings.events("meeting-rescheduled") == [] and d.meetings.events("meeting-cancelled") == []
        assert all(m.sequence == 0 for m in d.meetings.docs.values() if m.kind == "student")
        assert d.meetings.pending == {}


async def test_a_settled_request_takes_the_earlier_made_ones_with_it():
    base = await planned_year()
    arrived = MADE.replace(minute=6)
    d, clock = await settling(base, arrived)
    for n, event in enumerate(referrals()[n] for n in (4, 0, 3, 2, 1)):  # made 07:02, 07:05, 07:01, 07:05, 07:00
        clock.at = arrived + timedelta(seconds=n)
        assert (await on_referral_made(event, d)).status == "pending"
    clock.at = arrived + SETTLE  # only the first to arrive (made 07:02) has settled: the two made before go first
    assert [r.meeting_id for r in await place_settled_requests(d)] == ["stu-ref-1", "stu-ref-3", "stu-ref-4"]
    clock.at += timedelta(seconds=1)  # made 07:05, ties by id: stu-ref-2 comes after it and waits
    assert [r.meeting_id for r in await place_settled_requests(d)] == ["stu-ref-0"]
    clock.at += timedelta(seconds=2)
    assert [r.meeting_id for r in await place_settled_requests(d)] == ["stu-ref-2"]
    assert meetings_of(d) == await in_request_order(base)
    assert d.meetings.events("meeting-rescheduled") == [] and d.meetings.pending == {}


async def test_a_request_later_than_the_window_moves_the_later_made_meeting_as_before():
    base = await planned_year()
    first, second = referrals()[1], referrals()[4]  # both with the teacher and the counselor: 07:00, 07:02
    d, clock = await settling(base, MADE.replace(minute=2, second=5))
    assert (await on_referral_made(second, d)).status == "pending"
    clock.at += SETTLE
    [placed] = await place_settled_requests(d)
    assert placed.status == "scheduled" and placed.meeting_id == "stu-ref-4"
    assert (await on_referral_made(first, d)).status == "pending"  # made earlier, arrives after the window
    clock.at += SETTLE
    [late] = await place_settled_requests(d)
    assert late.status == "scheduled"
    taken = d.meetings.docs["stu-ref-4"]
    assert (late.meeting.day, late.meeting.slot) < (taken.day, taken.slot)
    [moved] = d.meetings.events("meeting-rescheduled")
    assert moved["meeting_id"] == "stu-ref-4" and moved["reason_code"] == TAKEN and moved["sequence"] == 1


async def test_a_redelivered_referral_changes_nothing_pending_or_placed():
    base = await planned_year()
    event = referrals()[0]
    d, clock = await settling(base, event.made_at + timedelta(seconds=1))
    await on_referral_made(event, d)
    held = copy.deepcopy(d.meetings.pending)
    clock.at += timedelta(minutes=5)
    assert (await on_referral_made(event, d)).status == "pending"
    assert d.meetings.pending == held  # the first arrival counts: the window is not restarted
    clock.at += timedelta(minutes=5)
    [result] = await place_settled_requests(d)
    assert result.status == "scheduled"
    again = await on_referral_made(event, d)
    assert again.status == "exists" and again.meeting == result.meeting
    assert len(d.meetings.events("meeting-scheduled")) == len(base.meetings.events("meeting-scheduled")) + 1
    assert d.meetings.pending == {}


async def test_the_window_counts_from_the_arrival_whatever_the_made_at():
    base = await planned_year()
    event = referrals()[0]
    for arrived in (event.made_at - timedelta(hours=1), event.made_at + timedelta(days=1)):  # skew; a backlog
        d, clock = await settling(base, arrived)
        assert (await on_referral_made(event, d)).status == "pending"
        clock.at += SETTLE - timedelta(seconds=1)
        assert await place_settled_requests(d) == []
        clock.at += timedelta(seconds=1)
        assert [r.status for r in await place_settled_requests(d)] == ["scheduled"]


async def test_a_referral_retried_for_its_student_settles_and_leaves_no_record():
    from hoks_scheduler.handlers.student_meetings import retry_unknown_students

    base = await planned_year()
    event = referrals()[0]
    d, clock = await settling(replace(base, students=type(base.students)()), event.made_at)
    await on_referral_made(event, d)
    clock.at += SETTLE
    assert [r.status for r in await place_settled_requests(d)] == ["unplaced"]
    assert d.meetings.unplaced["stu-ref-0"]["reason"] == "student-unknown" and d.meetings.pending == {}
    d.students.students = base.students.students
    assert [r.status for r in await retry_unknown_students(d)] == ["pending"]
    clock.at += SETTLE
    assert [r.status for r in await place_settled_requests(d)] == ["scheduled"]
    assert d.meetings.unplaced == {} and d.meetings.pending == {}


def test_the_window_is_a_setting(monkeypatch):
    assert SchedulerSettings().student_meeting_settle_seconds == 10
    monkeypatch.setenv("HOKS_SCHEDULER_STUDENT_MEETING_SETTLE_SECONDS", "0")
    assert SchedulerSettings().student_meeting_settle_seconds == 0
