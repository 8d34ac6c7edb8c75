"""The settle window: a referral's request is held until it is ``settle`` old and then placed with
the others due, in request order. Requests that arrive in any order within the window give the
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


async def test_requests_due_at_different_passes_move_nothing_when_they_arrived_in_time():
    base = await planned_year()
    d, clock = await settling(base, MADE.replace(minute=5, second=30))
    for event in reversed(referrals()):
        await on_referral_made(event, d)
    clock.at = MADE + SETTLE + timedelta(minutes=1, seconds=30)  # 07:00 and 07:01 due, 07:02 and 07:05 not
    assert sorted(r.meeting_id for r in await place_settled_requests(d)) == ["stu-ref-1", "stu-ref-3"]
    clock.at = MADE + SETTLE + timedelta(minutes=6)
    assert sorted(r.meeting_id for r in await place_settled_requests(d)) == ["stu-ref-0", "stu-ref-2", "stu-ref-4"]
    assert meetings_of(d) == await in_request_order(base)
    assert d.meetings.events("meeting-rescheduled") == []


async def test_a_request_later_than_the_window_moves_the_later_made_meeting_as_before():
    base = await planned_year()
    first, second = referrals()[1], referrals()[4]  # both with the teacher and the counselor: 07:00, 07:02
    d, clock = await settling(base, MADE.replace(minute=2, second=5))
    assert (await on_referral_made(second, d)).status == "pending"
    clock.at = second.made_at + SETTLE + timedelta(seconds=1)
    [placed] = await place_settled_requests(d)
    assert placed.status == "scheduled" and placed.meeting_id == "stu-ref-4"
    late = await on_referral_made(first, d)  # made earlier, arrives after the window: placed at once
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
    clock.at = event.made_at + SETTLE
    [result] = await place_settled_requests(d)
    assert result.status == "scheduled"
    again = await on_referral_made(event, d)
    assert again.status == "exists" and again.meeting == result.meeting
    assert len(d.meetings.events("meeting-scheduled")) == len(base.meetings.events("meeting-scheduled")) + 1
    assert d.meetings.pending == {}


async def test_a_referral_made_ahead_of_the_clock_waits_the_window_from_its_arrival():
    base = await planned_year()
    event = referrals()[0]
    d, clock = await settling(base, event.made_at - timedelta(hours=1))  # the sender's clock is an hour ahead
    assert (await on_referral_made(event, d)).status == "pending"
    clock.at += SETTLE - timedelta(seconds=1)
    assert await place_settled_requests(d) == []
    clock.at += timedelta(seconds=1)
    assert [r.status for r in await place_settled_requests(d)] == ["scheduled"]


def test_the_window_is_a_setting(monkeypatch):
    assert SchedulerSettings().student_meeting_settle_seconds == 10
    monkeypatch.setenv("HOKS_SCHEDULER_STUDENT_MEETING_SETTLE_SECONDS", "0")
    assert SchedulerSettings().student_meeting_settle_seconds == 0
