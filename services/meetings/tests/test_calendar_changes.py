"""Meeting records follow the calendar: newer changes win, repeats and stale ones change nothing."""

from __future__ import annotations

from datetime import timedelta

from meetings_fakes import FakeDirectory, FakeMeetings

from hoks_meetings.domain.meeting_record import apply_change
from hoks_meetings.handlers import Deps, RecordCalendarChange, record_calendar_change
from hoks_shared.contracts.meetings import MeetingCancelled, MeetingRescheduled
from hoks_shared.store.idempotent import ApplyResult
from hoks_testing import samples


def moved(sequence: int, hours: int = 24) -> MeetingRescheduled:
    s = samples.meeting_scheduled()
    return MeetingRescheduled(
        meeting_id=s.meeting_id, kind="group", unit_id=s.unit_id, group_id=s.group_id,
        starts_at=s.starts_at + timedelta(hours=hours), ends_at=s.ends_at + timedelta(hours=hours),
        participants=s.participants, reason_code="staff-absent", sequence=sequence,
    )


def cancelled(sequence: int) -> MeetingCancelled:
    s = samples.meeting_scheduled()
    return MeetingCancelled(meeting_id=s.meeting_id, kind="group", unit_id=s.unit_id, group_id=s.group_id,
                            reason_code="group-ended", sequence=sequence)


def change(repo: FakeMeetings, event, event_id: str):
    return record_calendar_change(RecordCalendarChange(event, event_id), Deps(repo, FakeDirectory()))


async def test_scheduled_then_rescheduled_then_cancelled():
    repo = FakeMeetings()
    scheduled = samples.meeting_scheduled()
    assert await change(repo, scheduled, "e1") == ApplyResult.APPLIED
    assert await change(repo, moved(1), "e2") == ApplyResult.APPLIED
    record = repo.records[scheduled.meeting_id]
    assert record.starts_at == scheduled.starts_at + timedelta(hours=24)
    assert record.sequence == 1
    assert await change(repo, cancelled(2), "e3") == ApplyResult.APPLIED
    assert repo.records[scheduled.meeting_id].status == "cancelled"


async def test_out_of_order_change_is_ignored():
    repo = FakeMeetings()
    scheduled = samples.meeting_scheduled()
    await change(repo, scheduled, "e1")
    await change(repo, moved(2, hours=48), "e3")
    late = moved(1, hours=24)
    assert await change(repo, late, "e2") == ApplyResult.STALE
    assert repo.records[scheduled.meeting_id].starts_at == scheduled.starts_at + timedelta(hours=48)


async def test_the_same_event_twice_changes_nothing():
    repo = FakeMeetings()
    scheduled = samples.meeting_scheduled()
    await change(repo, scheduled, "e1")
    before = dict(repo.records)
    assert await change(repo, scheduled, "e1") == ApplyResult.STALE
    assert repo.records == before


def test_a_change_to_an_unknown_meeting_waits_for_its_schedule():
    assert apply_change(None, moved(1)) is None
