"""Poison never blocks a partition, and consumers read only the schema majors they declare
(in memory: FastStream's test broker and the sink alone; the real-broker test is
tests/integration/test_poison_on_kafka.py)."""

from __future__ import annotations

import hashlib
import json
from types import SimpleNamespace

import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError
from faststream.kafka import KafkaMessage, TestKafkaBroker
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.meetings import MeetingScheduled, MeetingScheduleEvent
from hoks_shared.messaging.broker import create_broker, subscriber
from hoks_shared.messaging.dead_letter import DeadLetterSink
from hoks_shared.messaging.dead_letter_copy import fitting_copy, record_size
from hoks_shared.messaging.envelope_dependency import Envelope
from hoks_shared.messaging.partition_progress import PartitionProgress
from hoks_shared.messaging.schema_versions import READS_V1, Reads, UnsupportedSchemaVersion
from hoks_shared.metrics import ServiceMetrics
from hoks_shared.settings import ServiceSettings
from hoks_testing import samples
from hoks_shared.topics import MEETING_SCHEDULE, TopicNaming

LIMIT = 1048588
ADDED = {"dlq_reason": "ValidationError: x", "dlq_original_topic": "t", "dlq_original_partition": "0",
         "dlq_original_offset": "7"}


# --- the dead-letter copy fits ---------------------------------------------------------------

def test_a_copy_that_fits_is_unchanged():
    copy = fitting_copy(b'{"a": 1}', b"k", {"ce_id": "e1"}, ADDED, LIMIT)
    assert copy.value == b'{"a": 1}' and copy.key == b"k" and not copy.truncated
    assert copy.headers["ce_id"] == "e1" and copy.headers["dlq_original_offset"] == "7"


def test_an_oversized_value_is_truncated_with_its_size_hash_and_coordinates():
    value = b"x" * (LIMIT + 5000)
    copy = fitting_copy(value, b"k", {"ce_id": "e1"}, ADDED, LIMIT)
    assert copy.truncated
    assert record_size(copy.key, copy.value, copy.headers) <= LIMIT - 1000
    assert value.startswith(copy.value) and len(copy.value) > LIMIT - 10_000
    assert copy.headers["dlq_original_size"] == str(len(value))
    assert copy.headers["dlq_original_sha256"] == hashlib.sha256(value).hexdigest()
    assert copy.headers["dlq_original_topic"] == "t" and copy.headers["dlq_original_offset"] == "7"


def test_huge_original_headers_and_key_are_clipped_and_counted():
    headers = {f"h{i}": "v" * 200_000 for i in range(40)}
    copy = fitting_copy(b"{}", b"k" * 50_000, headers, ADDED, LIMIT)
    assert record_size(copy.key, copy.value, copy.headers) <= LIMIT
    assert copy.value == b"{}"  # the headers were cut, not the value
    assert all(len(copy.headers[n]) <= 4096 for n in headers if n in copy.headers)
    assert int(copy.headers["dlq_headers_dropped"]) > 0
    assert copy.headers["dlq_original_key_size"] == "50000" and len(copy.key) == 1024


@settings(max_examples=40, deadline=None)
@given(size=st.integers(0, 3 * 1024 * 1024), header_bytes=st.integers(0, 300_000),
       limit=st.sampled_from([65536, 1048588, 2 * 1048588]))
def test_every_copy_fits_the_limit(size, header_bytes, limit):
    copy = fitting_copy(b"v" * size, b"key", {"big": "h" * header_bytes, "ce_id": "e"}, ADDED, limit)
    assert record_size(copy.key, copy.value, copy.headers) <= limit
    assert copy.truncated == (len(copy.value) < size)


# --- bounded tries -----------------------------------------------------------------------------

def record(offset: int = 7, value: bytes = b"{}") -> SimpleNamespace:
    return SimpleNamespace(topic="t", partition=0, offset=offset, key=b"k", value=value, headers=[])


def sink_refusing(error: Exception, tries: int = 3) -> tuple[DeadLetterSink, ServiceMetrics, list[int]]:
    metrics = ServiceMetrics("unit")
    sink = DeadLetterSink(metrics, "g", retry_backoff_s=0, max_tries=tries)
    calls: list[int] = []

    async def publish(*_args, **_kw):
        calls.append(1)
        raise error

    sink.bind(publish)
    return sink, metrics, calls


async def test_a_refused_copy_is_retried_then_skipped_with_an_error_metric():
    sink, metrics, calls = sink_refusing(MessageSizeTooLargeError("too big"), tries=3)
    for _ in range(2):
        with pytest.raises(MessageSizeTooLargeError):
            await sink.dead_letter(record(), ValueError("bad"))
    await sink.dead_letter(record(), ValueError("bad"))  # the third try gives up: skipped
    assert len(calls) == 3
    labels = {"topic": "t", "error_type": "MessageSizeTooLargeError"}
    assert metrics.registry.get_sample_value("hoks_consume_skipped_total", labels) == 1
    assert metrics.registry.get_sample_value("hoks_consume_retries_total", labels) == 2
    # another record starts its own count
    with pytest.raises(MessageSizeTooLargeError):
        await sink.dead_letter(record(offset=8), ValueError("bad"))


async def test_a_broker_outage_is_never_a_reason_to_skip():
    sink, metrics, calls = sink_refusing(KafkaConnectionError("down"), tries=2)
    for _ in range(5):
        with pytest.raises(KafkaConnectionError):
            await sink.dead_letter(record(), ValueError("bad"))
    assert metrics.registry.get_sample_value(
        "hoks_consume_skipped_total", {"topic": "t", "error_type": "KafkaConnectionError"}) is None


# --- stuck partitions ----------------------------------------------------------------------------

def test_a_partition_failing_on_one_offset_is_stuck_after_the_configured_time():
    now = [1000.0]
    metrics = ServiceMetrics("unit")
    progress = PartitionProgress(metrics, stuck_after_s=60, clock=lambda: now[0])
    progress.failed("g", "t", 2, 40)
    now[0] += 59
    assert progress.failed("g", "t", 2, 40) == 2
    assert progress.stuck() == []
    now[0] += 2
    [stuck] = progress.stuck()
    assert (stuck.topic, stuck.partition, stuck.offset, stuck.tries) == ("t", 2, 40, 2)
    gauge = {"group": "g", "topic": "t", "partition": "2"}
    assert metrics.registry.get_sample_value("hoks_consumer_failing_since_timestamp_seconds", gauge) == 1000.0
    progress.failed("g", "t", 2, 41)  # a later offset failing: the clock starts again
    assert progress.stuck() == []
    progress.progressed("g", "t", 2)
    assert metrics.registry.get_sample_value("hoks_consumer_failing_since_timestamp_seconds", gauge) is None


# --- schema versions -----------------------------------------------------------------------------

@pytest.fixture
def wiring():
    broker = create_broker(ServiceSettings(service_name="unit"), ServiceMetrics("unit"))
    naming = TopicNaming("unit.")
    handled: list[MeetingScheduled] = []
    dead: list[KafkaMessage] = []

    @subscriber(broker, naming, MEETING_SCHEDULE, "unit", reads=READS_V1)
    async def on_event(event: MeetingScheduled, meta: Envelope) -> None:
        handled.append(event)

    @broker.subscriber(naming.dlq(MEETING_SCHEDULE), group_id="unit-dlq")
    async def on_dead(msg: KafkaMessage) -> None:
        dead.append(msg)

    return broker, naming.name(MEETING_SCHEDULE), handled, dead


def headers(event_id: str, dataschema: str | None = None) -> dict[str, str]:
    h = envelope_for(samples.meeting_scheduled(), source="/test", event_id=event_id).to_headers()
    if dataschema:
        h["ce_dataschema"] = dataschema
    return h


async def test_an_unknown_major_goes_to_the_dlq_and_an_additive_minor_is_read(wiring):
    broker, topic, handled, dead = wiring
    v1 = samples.meeting_scheduled().model_dump(mode="json")
    async with TestKafkaBroker(broker) as br:
        # v2 in the body, though every v1 field is there and valid
        await br.publish({**v1, "schema_version": 2}, topic=topic, headers=headers("body-v2"))
        # v2 in the envelope only
        await br.publish(v1, topic=topic, headers=headers("header-v2", "urn:hoks-followup:schema:meeting-scheduled:v2"))
        # an additive change of v1: a field this reader does not know, a minor in the envelope
        await br.publish({**v1, "agenda_url": "https://example.org/a"}, topic=topic,
                         headers=headers("minor", "urn:hoks-followup:schema:meeting-scheduled:v1.3"))
    assert [m.headers["ce_id"] for m in dead] == ["body-v2", "header-v2"]
    assert all(m.headers["dlq_reason_code"] == "unsupported-schema-version" for m in dead)
    assert dead[0].headers["dlq_reason"].startswith("unsupported-schema-version: schema_version says major version 2")
    assert [e.meeting_id for e in handled] == [v1["meeting_id"]]


def raw(value: dict, dataschema: str | None = None) -> SimpleNamespace:
    h = headers("r1", dataschema)
    return SimpleNamespace(headers=[(k, v.encode()) for k, v in h.items()], value=json.dumps(value).encode())


def test_a_batch_reader_tells_an_unknown_major_from_a_broken_contract():
    adapter = TypeAdapter(MeetingScheduleEvent)
    v1 = samples.meeting_scheduled().model_dump(mode="json")
    event, meta = READS_V1.read_record(raw({**v1, "extra": 1}), adapter)
    assert event.meeting_id == v1["meeting_id"] and meta.id == "r1"
    changed_shape = {**v1, "schema_version": 2, "starts_at": {"local": "09:00"}}
    with pytest.raises(UnsupportedSchemaVersion):
        READS_V1.read_record(raw(changed_shape), adapter)
    with pytest.raises(ValidationError):  # v1 and broken: the contract's own reason
        READS_V1.read_record(raw({**v1, "starts_at": "never"}), adapter)
    # a consumer written for both majors reads either
    assert Reads({1, 2}).read_record(raw({**v1, "schema_version": 2}), adapter)[0].schema_version == 2


async def test_the_middleware_reports_a_failing_offset_and_clears_it_when_the_partition_moves_on():
    from pymongo.errors import AutoReconnect

    metrics = ServiceMetrics("unit")
    settings = ServiceSettings(service_name="unit", consumer_stuck_after_seconds=0)
    from hoks_shared.messaging.broker import dead_letter_sink

    sink = dead_letter_sink(settings, metrics)
    sink.retry_backoff_s = 0
    broker = create_broker(settings, metrics, sink)
    naming = TopicNaming("unit.")
    topic = naming.name(MEETING_SCHEDULE)

    @subscriber(broker, naming, MEETING_SCHEDULE, "unit-group", reads=READS_V1)
    async def on_event(event: MeetingScheduled, meta: Envelope) -> None:
        if event.theme == "store-down":
            raise AutoReconnect("store unreachable")

    async with TestKafkaBroker(broker) as br:
        with pytest.raises(AutoReconnect):  # the test broker hands the handler's error back
            await br.publish(samples.meeting_scheduled(theme="store-down").model_dump(mode="json"), topic=topic,
                             headers=headers("e1"), partition=0)
        [stuck] = sink.progress.stuck()
        assert (stuck.group, stuck.topic, stuck.partition) == ("unit-group", topic, 0)
        assert metrics.registry.get_sample_value(
            "hoks_consume_retries_total", {"topic": topic, "error_type": "AutoReconnect"}) == 1
        await br.publish(samples.meeting_scheduled().model_dump(mode="json"), topic=topic,
                         headers=headers("e2"), partition=0)
        assert sink.progress.stuck() == []


def test_a_consumer_of_some_event_types_leaves_the_others_alone_whatever_their_version():
    reads = Reads({1}, event_types={"meeting-held"})
    reads.check({}, {"event_type": "checklist-completed", "schema_version": 3})  # skipped by the handler anyway
    reads.check({"ce_type": "fi.hoks.followup.checklist-completed",
                 "ce_dataschema": "urn:hoks-followup:schema:checklist-completed:v3"}, None)
    with pytest.raises(UnsupportedSchemaVersion):
        reads.check({}, {"event_type": "meeting-held", "schema_version": 2})
    with pytest.raises(UnsupportedSchemaVersion):
        reads.check({"ce_type": "fi.hoks.followup.meeting-held",
                     "ce_dataschema": "urn:hoks-followup:schema:meeting-held:v2"}, None)
