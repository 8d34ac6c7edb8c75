"""Runs after the other integration tests (file order): every event they produced on Kafka keeps
the data-minimisation rules — no hetu, no names outside the inbound SIS feed, no forbidden fields."""

from __future__ import annotations

import json

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from hoks_shared.privacy.minimisation import payload_violations
from hoks_sisfeed.demo.vocabulary import FIRST_NAMES, LAST_NAMES
from tests.integration.conftest import Stack

pytestmark = pytest.mark.integration


async def _all_records(stack: Stack) -> list[tuple[str, str, object]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.bootstrap)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(stack.prefix) and not t.endswith(".dlq")]
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(bootstrap_servers=stack.bootstrap, enable_auto_commit=False)
    await consumer.start()
    out: list[tuple[str, str, object]] = []
    try:
        parts = [TopicPartition(t, p) for t in topics for p in (consumer.partitions_for_topic(t) or {0})]
        if not parts:
            return out
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        remaining = {tp for tp in parts if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000)
            if not batch:
                break
            for tp, records in batch.items():
                for r in records:
                    headers = {k: v.decode() for k, v in r.headers}
                    try:
                        payload = json.loads(r.value)
                    except (TypeError, ValueError):
                        payload = r.value.decode(errors="replace") if r.value else ""
                    out.append((tp.topic, headers.get("ce_type", "?").rsplit(".", 1)[-1], payload))
                    if r.offset + 1 >= ends[tp]:
                        remaining.discard(tp)
        return out
    finally:
        await consumer.stop()


async def test_events_of_this_run_carry_no_personal_data(stack: Stack) -> None:
    records = await _all_records(stack)
    domain = [r for r in records if ".sis." not in r[0]]
    if not domain:
        pytest.skip("no domain events on this run's topics: run it together with the other integration tests")
    names = sorted(set(FIRST_NAMES) | set(LAST_NAMES))
    problems = [p for topic, event_type, payload in records for p in payload_violations(event_type, payload, names)]
    assert problems == [], problems[:20]
