"""Meeting records follow the calendar: newer changes win, repeats and stale ones change nothing."""

from __future__ import annotations

from datetime import timedelta

from hoks_meetings.domain.meeting_record import MeetingRecord, apply_change
from hoks_meetings.handlers import record_calendar_change
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.meetings import MeetingCancelled, MeetingRescheduled
from hoks_shared.store.idempotent import ApplyResult
from hoks_testing import samples


class FakeMeetings:
    def __init__(self) -> None:
        self.records: dict[str, MeetingRecord] = {}
        self.applied: set[str] = set()

    async def get(self, meeting_id: str) -> MeetingRecord | None:
        return self.records.get(meeting_id)

    async def save(self, record: MeetingRecord, event_id: str) -> ApplyResult:
        if event_id in self.applied:
            return ApplyResult.DUPLICATE
        self.applied.add(event_id)
        self.records[record.meeting_id] = record
        return ApplyResult.APPLIED


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


def meta(event, event_id):
    return envelope_for(event, source="/test", event_id=event_id)


async def test_scheduled_then_rescheduled_then_cancelled():
    repo = FakeMeetings()
    scheduled = samples.meeting_scheduled()
    assert await record_calendar_change(scheduled, meta(scheduled, "e1"), repo) == ApplyResult.APPLIED
    assert await record_calendar_change(moved(1), meta(moved(1), "e2"), repo) == ApplyResult.APPLIED
    record = repo.records[scheduled.meeting_id]
    assert record.starts_at == scheduled.starts_at + timedelta(hours=24)
    assert record.sequence == 1
    assert await record_calendar_change(cancelled(2), meta(cancelled(2), "e3"), repo) == ApplyResult.APPLIED
    assert repo.records[scheduled.meeting_id].status == "cancelled"


async def test_out_of_order_change_is_ignored():
    repo = FakeMeetings()
    scheduled = samples.meeting_scheduled()
    await record_calendar_change(scheduled, meta(scheduled, "e1"), repo)
    await record_calendar_change(moved(2, hours=48), meta(moved(2), "e3"), repo)
    late = moved(1, hours=24)
    assert await record_calendar_change(late, meta(late, "e2"), repo) == ApplyResult.STALE
    assert repo.records[scheduled.meeting_id].starts_at == scheduled.starts_at + timedelta(hours=48)


async def test_the_same_event_twice_changes_nothing():
    repo = FakeMeetings()
    scheduled = samples.meeting_scheduled()
    await record_calendar_change(scheduled, meta(scheduled, "e1"), repo)
    before = dict(repo.records)
    assert await record_calendar_change(scheduled, meta(scheduled, "e1"), repo) == ApplyResult.STALE
    assert repo.records == before


def test_a_change_to_an_unknown_meeting_waits_for_its_schedule():
    assert apply_change(None, moved(1)) is None
