"""Kafka subscribers of the meetings service: the scheduler's calendar, applied in batches (a
year's plan arrives as hundreds of events at once), each event read against its contract.

The consumer declares the types it reads: another type published on the calendar topic is
skipped and counted (``hoks_events_not_read_total``), never dead-lettered.
"""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaRouter
from pydantic import TypeAdapter

from hoks_meetings.handlers import Deps, RecordCalendarChange, record_calendar_change
from hoks_shared.contracts.envelope import EventMeta
from hoks_shared.contracts.meetings import MeetingCancelled, MeetingRescheduled, MeetingScheduled, MeetingScheduleEvent
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.messaging.typed_batches import typed_batch_router
from hoks_shared.runtime.service import ServiceRuntime
from hoks_shared.topics import MEETING_SCHEDULE

#: The major schema versions and the types of the calendar events this service is written for.
READS = Reads({1}, event_types={MeetingScheduled.EVENT_TYPE, MeetingRescheduled.EVENT_TYPE,
                                MeetingCancelled.EVENT_TYPE})
CALENDAR_EVENT: TypeAdapter[Any] = TypeAdapter(MeetingScheduleEvent)


def build_router(runtime: ServiceRuntime, deps: Deps) -> KafkaRouter:
    async def apply(event: Any, meta: EventMeta) -> str:
        return await record_calendar_change(RecordCalendarChange(event, meta.id), deps)

    # a meeting's events share a key; different meetings touch different documents (their own,
    # and index entries set field by field), so 16 are applied at a time
    return typed_batch_router(runtime, [MEETING_SCHEDULE], reads=READS, adapter=CALENDAR_EVENT, apply=apply,
                              concurrency=16)
