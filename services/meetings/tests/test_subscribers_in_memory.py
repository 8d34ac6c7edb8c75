"""The meetings service's Kafka router under FastStream's in-memory ``TestKafkaBroker``: calendar
events in → the meeting records changed (through the use case, on the hand-written fake store);
another type on the calendar topic skipped and counted, a broken one dead-lettered. The
real-broker test of the same consumer is tests/integration/test_event_flow.py.

And the other direction: what completing a meeting stages is what goes out on the outcomes
topic, readable by a consumer that reads ``checklist-completed`` (as referrals does).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from faststream.kafka import KafkaMessage, TestKafkaBroker
from meetings_fakes import FakeDirectory, FakeMeetings
from meetings_fixtures import student_doc
from pydantic import TypeAdapter

from hoks_meetings.domain.access import Viewer
from hoks_meetings.domain.meeting_record import from_scheduled
from hoks_meetings.handlers import CompleteMeeting, Deps, RowInput, SaveRow, complete_meeting, save_row
from hoks_meetings.subscribers import build_router
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.meetings import ChecklistCompleted, MeetingCancelled, MeetingOutcomeEvent, MeetingRescheduled
from hoks_shared.messaging.broker import batch_subscriber
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.runtime.service import ServiceRuntime, build_runtime
from hoks_shared.settings import KafkaSettings, ServiceSettings
from hoks_shared.topics import MEETING_OUTCOMES, MEETING_SCHEDULE
from hoks_testing import samples

S1 = "1.2.246.562.24.40000000001"
NOW = datetime(2026, 9, 14, 9, 30, tzinfo=UTC)


def runtime_for_tests() -> ServiceRuntime:
    """The service's runtime with a topic prefix of its own; the store client is never used (the
    fake repository stands in) and the broker is replaced by ``TestKafkaBroker``."""
    settings = ServiceSettings(service_name="meetings", kafka=KafkaSettings(topic_prefix="inmem."))
    return build_runtime(settings)


def headers(event: Any, event_id: str) -> dict[str, str]:
    return envelope_for(event, source="/hoks/scheduler", event_id=event_id).to_headers()


def moved(sequence: int, hours: int) -> MeetingRescheduled:
    s = samples.meeting_scheduled()
    return MeetingRescheduled(
        meeting_id=s.meeting_id, kind="group", unit_id=s.unit_id, group_id=s.group_id,
        starts_at=s.starts_at + timedelta(hours=hours), ends_at=s.ends_at + timedelta(hours=hours),
        participants=s.participants, reason_code="staff-absent", sequence=sequence)


@pytest.fixture
def wiring():
    runtime = runtime_for_tests()
    meetings = FakeMeetings()
    deps = Deps(meetings, FakeDirectory([student_doc(S1, "Aino Aalto", completed=100)]), clock=lambda: NOW)
    runtime.broker.include_router(build_router(runtime, deps))
    dead: list[KafkaMessage] = []

    @runtime.broker.subscriber(runtime.naming.dlq(MEETING_SCHEDULE), group_id="inmem-dlq")
    async def on_dead(msg: KafkaMessage) -> None:
        dead.append(msg)

    return runtime, meetings, deps, dead


async def publish(broker: Any, runtime: ServiceRuntime, event: Any, event_id: str, **over: Any) -> None:
    body = {**event.model_dump(mode="json"), **over}
    await broker.publish(body, topic=runtime.naming.name(MEETING_SCHEDULE), key=event.partition_key().encode(),
                         headers=headers(event, event_id))


async def test_calendar_events_in_change_the_meeting_records(wiring):
    runtime, meetings, _, dead = wiring
    scheduled = samples.meeting_scheduled()
    cancelled = MeetingCancelled(meeting_id=scheduled.meeting_id, kind="group", unit_id=scheduled.unit_id,
                                 group_id=scheduled.group_id, reason_code="group-ended", sequence=3)
    async with TestKafkaBroker(runtime.broker) as broker:
        await publish(broker, runtime, scheduled, "e1")
        assert meetings.records[scheduled.meeting_id].starts_at == scheduled.starts_at
        await publish(broker, runtime, moved(2, hours=48), "e2")
        await publish(broker, runtime, moved(1, hours=24), "e3")  # older than what the record has: stale
        assert meetings.records[scheduled.meeting_id].starts_at == scheduled.starts_at + timedelta(hours=48)
        await publish(broker, runtime, cancelled, "e4")
    assert meetings.records[scheduled.meeting_id].status == "cancelled"
    assert meetings.applied == {"e1", "e2", "e4"}
    assert dead == []
    applied = runtime.metrics.registry.get_sample_value
    assert applied("hoks_events_applied_total", {"event_type": "meeting-rescheduled", "result": "stale"}) == 1


async def test_another_type_on_the_calendar_topic_is_skipped_and_a_broken_event_dead_lettered(wiring):
    runtime, meetings, _, dead = wiring
    topic = runtime.naming.name(MEETING_SCHEDULE)
    scheduled = samples.meeting_scheduled()
    async with TestKafkaBroker(runtime.broker) as broker:
        # a type this consumer does not read (say, a new event type the scheduler adds later)
        new_type = headers(scheduled, "n1") | {"ce_type": "fi.hoks.followup.meeting-room-booked"}
        await broker.publish({"event_type": "meeting-room-booked", "meeting_id": scheduled.meeting_id},
                             topic=topic, key=b"k", headers=new_type)
        await publish(broker, runtime, scheduled, "bad", unit_id=None)  # breaks the contract
    assert meetings.records == {}
    assert runtime.metrics.registry.get_sample_value(
        "hoks_events_not_read_total", {"topic": topic, "event_type": "meeting-room-booked"}) == 1
    assert [m.headers["ce_id"] for m in dead] == ["bad"]


async def test_what_a_completion_stages_goes_out_as_checklist_completed(wiring):
    """The relay publishes each staged entry as is; here the in-memory broker takes the entries
    the runtime's publisher makes of what the use case staged, and a consumer that reads
    ``checklist-completed`` gets the rows."""
    runtime, meetings, deps, _ = wiring
    meeting = meetings.add(from_scheduled(samples.meeting_scheduled()))
    counselor = Viewer(samples.COUNSELOR, frozenset({"counselor"}), frozenset({"unit-tech"}))
    row = RowInput(True, True, True, False, "referral", "special-needs-teacher", "study-skills")
    await save_row(SaveRow(meeting.meeting_id, S1, row, counselor), deps)
    done = await complete_meeting(CompleteMeeting(meeting.meeting_id, counselor), deps)

    received: list[tuple[Any, str]] = []
    reads = Reads({1}, event_types={ChecklistCompleted.EVENT_TYPE})
    adapter: TypeAdapter[Any] = TypeAdapter(MeetingOutcomeEvent)

    @batch_subscriber(runtime.broker, runtime.naming, [MEETING_OUTCOMES], "inmem-referrals")
    async def on_outcomes(msg: KafkaMessage) -> None:
        for record in msg.raw_message:
            if reads.reads_type_of(record):
                event, meta = reads.read_record(record, adapter)
                received.append((event, meta.id))

    async with TestKafkaBroker(runtime.broker) as broker:
        for staged in meetings.outbox[meeting.meeting_id]:
            await runtime.publisher.publish_entry(runtime.publisher.outgoing_entry(staged))
        assert broker is not None
    [(event, event_id)] = received  # meeting-held went out too, and was not read
    assert isinstance(event, ChecklistCompleted) and event_id == done.event_ids[0]
    assert [(r.student_oid, r.outcome, r.referral.target) for r in event.rows] == [
        (S1, "referral", "special-needs-teacher")]
