"""Dead-letter middleware through FastStream's in-memory test broker (the real-broker test is in tests/integration)."""

from __future__ import annotations

import pytest
from faststream.kafka import KafkaMessage, TestKafkaBroker

from hoks_shared.contracts.meetings import MeetingScheduled
from hoks_shared.messaging.broker import create_broker, subscriber
from hoks_shared.messaging.dead_letter import describe_error
from hoks_shared.messaging.schema_versions import READS_V1
from hoks_shared.messaging.envelope_dependency import Envelope
from hoks_shared.metrics import ServiceMetrics
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.settings import ServiceSettings
from hoks_testing import samples
from hoks_shared.topics import MEETING_SCHEDULE, TopicNaming


@pytest.fixture
def wiring():
    settings = ServiceSettings(service_name="unit")
    metrics = ServiceMetrics("unit")
    broker = create_broker(settings, metrics)
    naming = TopicNaming("unit.")
    handled: list[str] = []
    dead: list[KafkaMessage] = []

    @subscriber(broker, naming, MEETING_SCHEDULE, "unit", reads=READS_V1)
    async def on_event(event: MeetingScheduled, meta: Envelope) -> None:
        if event.theme == "explode":
            raise ValueError("handler refused the event")
        handled.append(meta.id)

    @broker.subscriber(naming.dlq(MEETING_SCHEDULE), group_id="unit-dlq")
    async def on_dead(msg: KafkaMessage) -> None:
        dead.append(msg)

    return broker, naming, metrics, handled, dead


def headers_for(event, event_id):
    return envelope_for(event, source="/test", event_id=event_id).to_headers()


async def test_invalid_body_handler_error_and_missing_envelope_go_to_the_dlq_and_the_next_flows(wiring):
    broker, naming, metrics, handled, dead = wiring
    topic = naming.name(MEETING_SCHEDULE)
    good = samples.meeting_scheduled()
    async with TestKafkaBroker(broker) as br:
        await br.publish({"event_type": "meeting-scheduled", "meeting_id": "x"}, topic=topic,
                         headers=headers_for(good, "bad-body"))
        await br.publish(samples.meeting_scheduled(theme="explode").model_dump(mode="json"), topic=topic,
                         headers=headers_for(good, "bad-handler"))
        await br.publish(good.model_dump(mode="json"), topic=topic)  # no CloudEvents headers
        await br.publish(good.model_dump(mode="json"), topic=topic, headers=headers_for(good, "good"))

    assert handled == ["good"]
    assert len(dead) == 3
    reasons = [m.headers["dlq_reason"] for m in dead]
    assert "unit_id" in reasons[0] and "Field required" in reasons[0]
    assert reasons[1] == "ValueError: handler refused the event"
    assert "missing CloudEvents header(s): ce_id" in reasons[2]
    assert all(m.headers["dlq_original_topic"] == topic for m in dead)
    assert dead[0].headers["ce_id"] == "bad-body"  # original headers kept
    assert metrics.registry.get_sample_value(
        "hoks_dead_letters_total", {"topic": topic, "error_type": "ValueError"}) == 1


def test_describe_error_lists_each_invalid_field():
    try:
        MeetingScheduled.model_validate({"event_type": "meeting-scheduled"})
    except Exception as exc:  # noqa: BLE001
        text = describe_error(exc)
    assert text.startswith("ValidationError: ")
    assert "meeting_id: Field required" in text
