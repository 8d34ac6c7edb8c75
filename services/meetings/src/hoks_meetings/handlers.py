"""Use cases of the meetings service, as plain async functions over a repository."""

from __future__ import annotations

from hoks_meetings.adapters.repository import MeetingRepository
from hoks_meetings.domain.meeting_record import apply_change
from hoks_shared.contracts.envelope import EventMeta
from hoks_shared.contracts.meetings import MeetingCancelled, MeetingRescheduled, MeetingScheduled
from hoks_shared.store.idempotent import ApplyResult


async def record_calendar_change(
    event: MeetingScheduled | MeetingRescheduled | MeetingCancelled,
    meta: EventMeta,
    meetings: MeetingRepository,
) -> ApplyResult:
    """Keep the meeting record in step with the scheduler's calendar."""
    current = await meetings.get(event.meeting_id)
    changed = apply_change(current, event)
    if changed is None:
        return ApplyResult.STALE
    return await meetings.save(changed, meta.id)
