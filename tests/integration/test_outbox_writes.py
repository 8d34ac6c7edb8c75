"""The Outbox seam on the real document store: every write kind stages its events in the same
document write, the relay is woken with the written documents only, and a write that did not
happen (a guard that failed, a duplicate key) stages nothing and wakes nobody."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from hoks_shared.store.outbox import OUTBOX
from hoks_shared.store.outbox_writes import Insert, Outbox, Outgoing, Update

pytestmark = pytest.mark.integration


class Woken:
    def __init__(self) -> None:
        self.calls: list[tuple[str | None, Any, list[dict[str, Any]] | None]] = []

    def notify(self, collection=None, doc_id=None, entries=None) -> None:
        self.calls.append((collection, doc_id, entries))


class Event:
    """Stands in for an IntegrationEvent: the seam only hands it to ``to_entry``."""

    def __init__(self, name: str) -> None:
        self.name = name


def to_entry(outgoing: Outgoing) -> dict[str, Any]:
    return {"id": outgoing.event_id or uuid.uuid4().hex, "body": {"name": outgoing.event.name}}


@pytest.fixture
async def collection(stack):
    client = AsyncMongoClient(stack.mongodb_url)
    db = client[f"it_outbox_writes_{uuid.uuid4().hex[:8]}"]
    yield db["things"]
    await client.drop_database(db.name)
    await client.close()


async def test_insert_and_update_stage_their_events_and_wake_the_relay(collection):
    woken = Woken()
    outbox = Outbox(collection, to_entry, woken)
    await outbox.insert({"_id": "a", "state": 1}, [Outgoing(Event("made"), event_id="e1")])
    result = await outbox.update({"_id": "a", "state": 1}, {"$set": {"state": 2}},
                                 [Outgoing(Event("changed"), event_id="e2")])
    assert result.modified_count == 1
    doc = await collection.find_one({"_id": "a"})
    assert doc["state"] == 2
    assert [e["id"] for e in doc[OUTBOX]] == ["e1", "e2"]
    assert woken.calls == [("things", "a", None), ("things", "a", None)]


async def test_a_guard_that_fails_stages_nothing_and_wakes_nobody(collection):
    woken = Woken()
    outbox = Outbox(collection, to_entry, woken)
    await outbox.insert({"_id": "a", "version": 1})
    assert woken.calls == []  # no events, nothing to publish
    result = await outbox.update({"_id": "a", "version": 7}, {"$set": {"version": 8}},
                                 [Outgoing(Event("lost"), event_id="e9")])
    assert result.modified_count == 0
    assert (await collection.find_one({"_id": "a"}))[OUTBOX] == []
    assert woken.calls == []
    with pytest.raises(DuplicateKeyError):
        await outbox.insert({"_id": "a"}, [Outgoing(Event("again"), event_id="e10")])
    assert woken.calls == []


async def test_an_update_keeps_its_own_push(collection):
    outbox = Outbox(collection, to_entry, Woken())
    await outbox.insert({"_id": "a", "tags": []})
    await outbox.update({"_id": "a"}, {"$push": {"tags": "x"}, "$set": {"n": 1}}, [Outgoing(Event("t"), event_id="e1")])
    doc = await collection.find_one({"_id": "a"})
    assert doc["tags"] == ["x"] and doc["n"] == 1 and [e["id"] for e in doc[OUTBOX]] == ["e1"]


async def test_bulk_reports_failed_writes_and_wakes_only_for_the_written(collection):
    woken = Woken()
    outbox = Outbox(collection, to_entry, woken)
    await outbox.insert({"_id": "taken"})
    writes = [Insert({"_id": f"n{i}"}, [Outgoing(Event("new"), event_id=f"n{i}")]) for i in range(60)]
    writes.insert(30, Insert({"_id": "taken"}, [Outgoing(Event("dup"), event_id="dup")]))
    writes.append(Update({"_id": "taken"}, {"$set": {"seen": True}}, [Outgoing(Event("seen"), event_id="s")]))
    outcome = await outbox.bulk(writes)
    assert set(outcome.failed) == {30}
    assert not outcome.ok(30) and outcome.ok(0) and outcome.ok(61)
    assert await collection.count_documents({"_id": {"$regex": "^n"}}) == 60
    taken = await collection.find_one({"_id": "taken"})
    assert taken["seen"] is True and [e["id"] for e in taken[OUTBOX]] == ["s"]
    assert sorted(doc_id for _, doc_id, _ in woken.calls) == sorted([f"n{i}" for i in range(60)] + ["taken"])


async def test_known_entries_are_handed_to_the_relay_on_insert(collection):
    woken = Woken()
    outbox = Outbox(collection, to_entry, woken, known_entries=True)
    await outbox.insert({"_id": "rec"}, [Outgoing(Event("audit"), event_id="a1")])
    [(name, doc_id, entries)] = woken.calls
    assert (name, doc_id) == ("things", "rec") and [e["id"] for e in entries] == ["a1"]
