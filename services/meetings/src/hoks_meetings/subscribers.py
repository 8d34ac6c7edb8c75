"""Kafka subscribers of the meetings service: the typed parameter is the contract."""

from __future__ import annotations

from faststream.kafka import KafkaRouter

from hoks_meetings.adapters.repository import MongoMeetingRepository
from hoks_meetings.handlers import record_calendar_change
from hoks_shared.contracts.meetings import MeetingScheduleEvent
from hoks_shared.messaging.broker import subscriber
from hoks_shared.messaging.envelope_dependency import Envelope
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.runtime.service import ServiceRuntime
from hoks_shared.topics import MEETING_SCHEDULE


#: The major schema versions of the calendar events this service is written for.
READS = Reads({1})


def build_router(runtime: ServiceRuntime, meetings: MongoMeetingRepository) -> KafkaRouter:
    router = KafkaRouter()

    @subscriber(router, runtime.naming, MEETING_SCHEDULE, runtime.group_id, reads=READS)
    async def on_calendar_change(event: MeetingScheduleEvent, meta: Envelope) -> None:
        result = await record_calendar_change(event, meta, meetings)
        runtime.metrics.observe_applied(event.event_type, result, meta.time)

    return router
