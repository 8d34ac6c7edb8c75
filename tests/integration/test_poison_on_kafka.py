"""Poison never blocks a partition, on the real broker (Kafka's default 1 MiB message.max.bytes).

Before: an invalid record of ~1 MB, whose dead-letter copy (value + added headers) exceeded the
broker's limit, was redelivered for ever and the valid record behind it was never applied.
"""

from __future__ import annotations

import hashlib

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaMessage

from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.meetings import MeetingScheduled
from hoks_shared.messaging.dead_letter_copy import record_size
from hoks_shared.messaging.broker import create_broker, dead_letter_sink, subscriber
from hoks_shared.messaging.schema_versions import READS_V1
from hoks_shared.metrics import ServiceMetrics
from hoks_testing import samples
from hoks_shared.topics import MEETING_SCHEDULE
from tests.integration.conftest import Stack, eventually, read_topic

BROKER_LIMIT = 1048588  # the embedded broker runs with Kafka's default message.max.bytes


def wire(stack: Stack, group: str, **settings_over):
    limit = settings_over.pop("max_message_bytes", BROKER_LIMIT)
    settings = stack.settings("poison", **settings_over)
    settings.kafka.max_message_bytes = limit
    metrics = ServiceMetrics("poison")
    sink = dead_letter_sink(settings, metrics)
    sink.retry_backoff_s = 0.2
    broker = create_broker(settings, metrics, sink)
    handled: list[str] = []

    @subscriber(broker, stack.naming, MEETING_SCHEDULE, group, reads=READS_V1)
    async def on_event(event: MeetingScheduled, msg: KafkaMessage) -> None:
        handled.append(event.meeting_id)

    return broker, metrics, sink, handled


async def publish_poison_then_valid(stack: Stack, meeting_id: str) -> bytes:
    topic = stack.naming.name(MEETING_SCHEDULE)
    good = samples.meeting_scheduled(meeting_id=meeting_id)
    headers = envelope_for(good, source="/test").to_headers()
    # invalid (not the contract) and 200 bytes short of what the broker takes, on the partition
    # of the valid one: its dead-letter copy, with the reason and origin added, would not fit
    key = good.partition_key().encode()
    wrapper = b'{"event_type": "meeting-scheduled", "junk": "%s"}'
    size = BROKER_LIMIT - 200 - record_size(key, wrapper, headers)
    poison = wrapper.replace(b"%s", b"x" * size)
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap, acks="all", max_request_size=BROKER_LIMIT)
    await producer.start()
    try:
        hdrs = [(k, v.encode()) for k, v in headers.items()]
        await producer.send_and_wait(topic, poison, key=key, headers=hdrs)
        await producer.send_and_wait(topic, good.model_dump_json().encode(), key=key, headers=hdrs)
    finally:
        await producer.stop()
    return poison


async def test_a_poison_record_near_the_size_limit_is_dead_lettered_truncated_and_the_next_is_applied(stack):
    meeting_id = "mtg-2026-2027-r1-POISON1"
    broker, metrics, _sink, handled = wire(stack, "poison-truncate")
    poison = await publish_poison_then_valid(stack, meeting_id)
    async with broker:
        await broker.start()
        await eventually(lambda: _async(meeting_id in handled), 60, "the valid record behind the poison applied")
    dlq = stack.naming.dlq(MEETING_SCHEDULE)
    copies = await read_topic(stack, dlq, lambda rs: any(_h(r).get("dlq_original_sha256") for r in rs))
    [copy] = [r for r in copies if _h(r).get("dlq_original_sha256") == hashlib.sha256(poison).hexdigest()]
    headers = _h(copy)
    assert headers["dlq_truncated"] == "true" and headers["dlq_original_size"] == str(len(poison))
    assert poison.startswith(copy.value) and len(copy.value) > 1_000_000
    assert record_size(copy.key, copy.value, headers) <= BROKER_LIMIT
    assert headers["dlq_original_topic"] == stack.naming.name(MEETING_SCHEDULE)
    # (other tests of the run put malformed records on the same topic: at least this one)
    assert metrics.registry.get_sample_value("hoks_dead_letters_total", {
        "topic": stack.naming.name(MEETING_SCHEDULE), "error_type": "ValidationError"}) >= 1


async def test_a_copy_the_broker_refuses_is_skipped_after_bounded_tries_and_counted(stack):
    # misconfigured: the service believes the broker takes 4 MiB, so its copy is not cut and
    # the broker refuses it; the consumer still moves on, with an error metric
    meeting_id = "mtg-2026-2027-r1-POISON2"
    broker, metrics, sink, handled = wire(stack, "poison-skip", max_message_bytes=4 * BROKER_LIMIT)
    sink.max_message_bytes = 4 * BROKER_LIMIT
    await publish_poison_then_valid(stack, meeting_id)
    async with broker:
        await broker.start()
        await eventually(lambda: _async(meeting_id in handled), 90, "the valid record behind the poison applied")
    topic = stack.naming.name(MEETING_SCHEDULE)
    skipped = {s.labels["error_type"]: s.value for m in metrics.registry.collect()
               if m.name == "hoks_consume_skipped" for s in m.samples if s.name.endswith("_total")
               and s.labels["topic"] == topic}
    # this poison, and the other test's if it ran first (same topic, same size): each skipped once
    assert set(skipped) == {"MessageSizeTooLargeError"} and 1 <= skipped["MessageSizeTooLargeError"] <= 2
    retries = sum(s.value for m in metrics.registry.collect() if m.name == "hoks_consume_retries"
                  for s in m.samples if s.name.endswith("_total") and s.labels["topic"] == topic)
    assert retries == (sink.max_tries - 1) * skipped["MessageSizeTooLargeError"]


def _h(record) -> dict[str, str]:
    return {k: v.decode() for k, v in record.headers}


async def _async(value):
    return value
