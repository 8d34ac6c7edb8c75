"""The store helpers on the real document store: idempotent apply, version guard, outbox relay."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient

from hoks_shared.metrics import ServiceMetrics
from hoks_shared.store.idempotent import ApplyResult, apply_once, merge_updates
from hoks_shared.store.outbox import (
    DRAINED, OUTBOX, STAGED, OutboxRelay, ensure_outbox_index, outbox_fields, outbox_update,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def db(stack):
    client = AsyncMongoClient(stack.mongodb_url, tz_aware=True)
    database = client[f"it_store_{uuid.uuid4().hex[:10]}"]
    yield database
    await client.drop_database(database.name)
    await client.close()


async def test_apply_once_applies_each_event_id_once(db):
    c = db.counters
    assert await apply_once(c, "k", "e1", {"$inc": {"n": 1}}) == ApplyResult.APPLIED
    assert await apply_once(c, "k", "e2", {"$inc": {"n": 1}}) == ApplyResult.APPLIED
    assert await apply_once(c, "k", "e1", {"$inc": {"n": 1}}) == ApplyResult.DUPLICATE
    doc = await c.find_one({"_id": "k"})
    assert doc["n"] == 2
    assert doc["_applied"] == ["e1", "e2"]


def test_merge_updates_refuses_conflicting_fields():
    assert merge_updates({"$set": {"a": 1}}, {"$set": {"b": 2}}) == {"$set": {"a": 1, "b": 2}}
    with pytest.raises(ValueError, match="conflicting"):
        merge_updates({"$set": {"a": 1}}, {"$set": {"a": 2}})


async def test_outbox_entries_are_published_in_order_and_removed_only_after_publishing(db):
    c = db.things
    await ensure_outbox_index(c)
    entries = [{"id": f"e{i}", "topic": "t", "key": "k", "headers": {}, "body": {"i": i}} for i in range(3)]
    await c.update_one({"_id": "a"}, merge_updates({"$set": {"state": 1}}, outbox_update(entries[:2])), upsert=True)
    await c.update_one({"_id": "a"}, merge_updates({"$set": {"state": 2}}, outbox_update(entries[2:])))
    published: list[str] = []
    fail_on = {"e1"}

    async def publish(entry):
        if entry["id"] in fail_on:
            raise ConnectionError("kafka unreachable")
        published.append(entry["id"])

    metrics = ServiceMetrics("it")
    relay = OutboxRelay([c], publish, metrics, sweep_min_age_seconds=0)
    assert await relay.drain_once() == 1
    assert published == ["e0"]  # stopped at the failure: order is kept
    doc = await c.find_one({"_id": "a"})
    assert [e["id"] for e in doc[OUTBOX]] == ["e1", "e2"]
    assert metrics.registry.get_sample_value("hoks_outbox_backlog", {"lane": "domain"}) == 2

    fail_on.clear()
    assert await relay.drain_once() == 2
    assert published == ["e0", "e1", "e2"]
    doc = await c.find_one({"_id": "a"})
    assert doc[OUTBOX] == [] and doc["state"] == 2
    assert await relay.drain_once() == 0


async def test_a_notified_document_is_drained_by_id_without_a_sweep(db):
    c = db.things
    entry = {"id": "n1", "topic": "t", "key": "k", "headers": {}, "body": {}}
    other = {"id": "n2", "topic": "t", "key": "k", "headers": {}, "body": {}}
    await c.update_one({"_id": "notified"}, outbox_update([entry]), upsert=True)
    await c.update_one({"_id": "left-behind"}, outbox_update([other]), upsert=True)
    published: list[str] = []

    async def publish(e):
        published.append(e["id"])

    relay = OutboxRelay([c], publish, ServiceMetrics("it"))
    relay.notify("things", "notified")
    assert await relay.drain_once(sweep=False) == 1
    assert published == ["n1"]
    assert await relay.drain_once(sweep=True) == 1  # the sweep finds what nobody notified
    assert published == ["n1", "n2"]


async def test_sends_are_acknowledged_together_and_a_refused_one_stays_with_those_after_it(db):
    """The relay sends a pass's entries first and awaits the acknowledgements after: a refused
    acknowledgement keeps that entry and the document's later ones; other documents drain."""
    c = db.things
    for doc_id, ids in (("a", ["a0", "a1", "a2"]), ("b", ["b0"])):
        await c.insert_one({"_id": doc_id, **outbox_fields(
            [{"id": i, "topic": "t", "key": "k", "headers": {}, "body": {}} for i in ids])})
    sent: list[str] = []
    loop = asyncio.get_running_loop()

    async def send(entry):
        sent.append(entry["id"])
        ack = loop.create_future()
        if entry["id"] == "a1":
            ack.set_exception(ConnectionError("not acknowledged"))
        else:
            ack.set_result(None)
        return ack

    relay = OutboxRelay([c], send, ServiceMetrics("it"))
    relay.notify("things", "a")
    relay.notify("things", "b")
    assert await relay.drain_once(sweep=False) == 2  # a0 and b0
    assert sent == ["a0", "a1", "a2", "b0"]  # everything was sent before any wait
    assert [e["id"] for e in (await c.find_one({"_id": "a"}))[OUTBOX]] == ["a1", "a2"]
    assert (await c.find_one({"_id": "b"}))[OUTBOX] == []


async def test_two_relays_draining_the_same_documents_publish_all_and_leave_none(db):
    c = db.things
    docs = 60
    for d in range(docs):
        await c.insert_one({"_id": d, **outbox_fields(
            [{"id": f"e{d}-{i}", "topic": "t", "key": "k", "headers": {}, "body": {}} for i in range(3)])})
    published: list[str] = []

    async def send(entry):
        await asyncio.sleep(0)
        published.append(entry["id"])

    relays = [OutboxRelay([c], send, ServiceMetrics("it")) for _ in range(2)]
    for relay in relays:
        for d in range(docs):
            relay.notify("things", d)
    await asyncio.gather(*(relay.drain_once(sweep=False) for relay in relays))
    assert set(published) == {f"e{d}-{i}" for d in range(docs) for i in range(3)}  # at least once each
    assert await c.count_documents(STAGED) == 0 and await c.count_documents(DRAINED) == docs


async def test_the_sweep_leaves_fresh_entries_to_the_instance_that_staged_them(db):
    c = db.things
    now = datetime.now(UTC)
    await c.insert_one({"_id": "old", **outbox_fields([{"id": "o", "topic": "t", "key": "k", "headers": {},
                                                         "body": {}, "created_at": now - timedelta(minutes=1)}])})
    await c.insert_one({"_id": "new", **outbox_fields([{"id": "n", "topic": "t", "key": "k", "headers": {},
                                                         "body": {}, "created_at": now}])})
    published: list[str] = []

    async def send(entry):
        published.append(entry["id"])

    metrics = ServiceMetrics("it")
    relay = OutboxRelay([c], send, metrics, sweep_min_age_seconds=10)
    assert await relay.drain_once(sweep=True) == 1
    assert published == ["o"]
    assert metrics.registry.get_sample_value("hoks_outbox_backlog", {"lane": "domain"}) == 1


async def test_entries_passed_with_the_notice_are_published_and_removed_without_a_read(db):
    """The audit trail inserts a record with its one entry and hands the entry to the relay, which
    publishes it and removes it ($pullAll of the in-memory entry) without reading the record."""
    from hoks_shared.messaging.publishing import EventPublisher
    from hoks_testing import samples
    from hoks_shared.topics import TopicNaming

    c = db.audit
    entry = EventPublisher(None, TopicNaming(""), "/it").entry(samples.meeting_scheduled())  # type: ignore[arg-type]
    await c.insert_one({"_id": "r1", **outbox_fields([entry])})
    published: list[str] = []

    async def send(e):
        published.append(e["id"])

    relay = OutboxRelay([c], send, ServiceMetrics("it"))
    reads = 0
    original = relay._read

    async def counting_read(*args):
        nonlocal reads
        reads += 1
        return await original(*args)

    relay._read = counting_read  # type: ignore[method-assign]
    relay.notify("audit", "r1", [entry])
    assert await relay.drain_once(sweep=False) == 1
    assert published == [entry["id"]] and reads == 0
    assert await c.count_documents(DRAINED) == 1
