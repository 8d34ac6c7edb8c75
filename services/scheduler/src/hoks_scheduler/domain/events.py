"""The integration event a change of the plan emits, with the id that keeps it idempotent.

The id depends on the meeting, its sequence and the kind of change only: a use case retried after
a crash stages the same event id again, and consumers drop the repeat."""

from __future__ import annotations

from hoks_scheduler.domain.meeting import cancelled_event, rescheduled_event, scheduled_event
from hoks_scheduler.domain.replanning import RESCHEDULED, SCHEDULED, Change
from hoks_shared.contracts.envelope import deterministic_event_id
from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.store.outbox_writes import Outgoing


def event_for(change: Change) -> IntegrationEvent:
    if change.kind == SCHEDULED:
        return scheduled_event(change.meeting)
    if change.kind == RESCHEDULED:
        return rescheduled_event(change.meeting, change.reason_code, change.theme_changed)
    return cancelled_event(change.meeting, change.reason_code)


def outgoing(change: Change) -> Outgoing:
    """The change's event as the outbox stages it."""
    meeting = change.meeting
    event_id = deterministic_event_id("scheduler", meeting.meeting_id, str(meeting.sequence), change.kind)
    return Outgoing(event_for(change), event_id=event_id)
