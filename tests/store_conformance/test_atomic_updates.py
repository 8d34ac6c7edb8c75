"""Per-document atomicity: many clients write one document at once and nothing is lost.

MongoDB guarantees it; FerretDB 1.24 alone does not (it reads, changes in Go and writes back):
with the embedded store's atomic-write front switched off (``HOKS_FERRETDB_ATOMIC_WRITES=0``)
these tests fail (200 concurrent ``$inc`` keep ~40–100).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from hoks_shared.store.outbox import OUTBOX

WRITERS = 200
COUNT = "count"  # a counter kept beside an array, like any bookkeeping field

pytestmark = pytest.mark.integration

Dbs = list[AsyncDatabase[dict[str, Any]]]


def spread(dbs: Dbs, i: int) -> AsyncDatabase[dict[str, Any]]:
    """Writer ``i``'s client: the writers are spread over every client."""
    return dbs[i % len(dbs)]


async def test_concurrent_inc_keeps_every_increment(dbs: Dbs) -> None:
    await dbs[0].doc.insert_one({"_id": "d", "n": 0})
    results = await asyncio.gather(*(spread(dbs, i).doc.update_one({"_id": "d"}, {"$inc": {"n": 1}})
                                     for i in range(WRITERS)))
    assert sum(r.modified_count for r in results) == WRITERS
    assert (await dbs[0].doc.find_one({"_id": "d"}))["n"] == WRITERS


async def test_concurrent_inc_and_push_keep_every_element(dbs: Dbs) -> None:
    await dbs[0].doc.insert_one({"_id": "d", "n": 0, "items": []})
    await asyncio.gather(*(spread(dbs, i).doc.update_one({"_id": "d"}, {"$inc": {"n": 1}, "$push": {"items": i}})
                           for i in range(WRITERS)))
    doc = await dbs[0].doc.find_one({"_id": "d"})
    assert doc["n"] == WRITERS
    assert sorted(doc["items"]) == list(range(WRITERS))


async def test_concurrent_set_of_different_fields_keeps_them_all(dbs: Dbs) -> None:
    await dbs[0].doc.insert_one({"_id": "d"})
    await asyncio.gather(*(spread(dbs, i).doc.update_one({"_id": "d"}, {"$set": {f"f{i}": i}})
                           for i in range(WRITERS)))
    doc = await dbs[0].doc.find_one({"_id": "d"})
    assert {k: v for k, v in doc.items() if k != "_id"} == {f"f{i}": i for i in range(WRITERS)}


async def test_concurrent_pops_remove_each_element_once(dbs: Dbs) -> None:
    await dbs[0].doc.insert_one({"_id": "d", "items": list(range(WRITERS))})
    pops = WRITERS // 2
    await asyncio.gather(*(spread(dbs, i).doc.update_one({"_id": "d"}, {"$pop": {"items": -1}})
                           for i in range(pops)))
    doc = await dbs[0].doc.find_one({"_id": "d"})
    assert doc["items"] == list(range(pops, WRITERS))


async def test_a_version_guard_has_exactly_one_winner(dbs: Dbs) -> None:
    rounds = 5
    await dbs[0].doc.insert_one({"_id": "d", "version": 0, "winners": []})
    for version in range(rounds):
        results = await asyncio.gather(*(
            spread(dbs, i).doc.update_one({"_id": "d", "version": version},
                                          {"$set": {"version": version + 1}, "$push": {"winners": i}})
            for i in range(WRITERS // 4)))
        won = [i for i, r in enumerate(results) if r.modified_count == 1]
        assert len(won) == 1, f"version {version}: {len(won)} writers were told they won"
        doc = await dbs[0].doc.find_one({"_id": "d"})
        assert doc["version"] == version + 1 and doc["winners"][-1] == won[0]
    assert len((await dbs[0].doc.find_one({"_id": "d"}))["winners"]) == rounds


async def test_relay_pop_racing_a_state_change_keeps_both(dbs: Dbs) -> None:
    """The outbox relay removes a published entry while a use case changes the state and stages
    a new entry in the same document: the state, the new entry and the removal all stay."""
    docs = 100
    first = [{"id": f"e0-{d}", "topic": "t"} for d in range(docs)]
    await dbs[0].doc.insert_many([{"_id": d, "state": "made", OUTBOX: [first[d]], COUNT: 1} for d in range(docs)])

    async def relay(d: int) -> int:
        r = await spread(dbs, d).doc.update_one({"_id": d, f"{OUTBOX}.0.id": first[d]["id"]},
                                                {"$pop": {OUTBOX: -1}, "$inc": {COUNT: -1}})
        return r.modified_count

    async def close(d: int) -> int:
        r = await spread(dbs, d + 1).doc.update_one(
            {"_id": d}, {"$set": {"state": "closed"}, "$push": {OUTBOX: {"id": f"e1-{d}", "topic": "t"}},
                         "$inc": {COUNT: 1}})
        return r.modified_count

    results = await asyncio.gather(*(f(d) for d in range(docs) for f in (relay, close)))
    assert all(results)
    async for doc in dbs[0].doc.find({}):
        assert doc["state"] == "closed", doc
        assert [e["id"] for e in doc[OUTBOX]] == [f"e1-{doc['_id']}"], doc
        assert doc[COUNT] == 1, doc


async def test_find_and_modify_hands_out_every_number_once(dbs: Dbs) -> None:
    await dbs[0].seq.insert_one({"_id": "s", "n": 0})
    got = await asyncio.gather(*(
        spread(dbs, i).seq.find_one_and_update({"_id": "s"}, {"$inc": {"n": 1}}, return_document=ReturnDocument.AFTER)
        for i in range(WRITERS)))
    assert sorted(d["n"] for d in got) == list(range(1, WRITERS + 1))


async def test_concurrent_upserts_of_one_id_create_one_document_and_count_all(dbs: Dbs) -> None:
    results = await asyncio.gather(*(spread(dbs, i).doc.update_one({"_id": "u"}, {"$inc": {"n": 1}}, upsert=True)
                                     for i in range(WRITERS // 2)), return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert await dbs[0].doc.count_documents({}) == 1
    assert (await dbs[0].doc.find_one({"_id": "u"}))["n"] == WRITERS // 2


async def test_writers_of_different_documents_and_collections_do_not_interfere(dbs: Dbs) -> None:
    async def write(i: int) -> None:
        coll = spread(dbs, i)[f"c{i % 3}"]
        await coll.update_one({"_id": f"d{i % 7}"}, {"$inc": {"n": 1}, "$push": {"by": i}}, upsert=True)

    # upserts of one _id may race on MongoDB too; create the documents first
    for c in range(3):
        await dbs[0][f"c{c}"].insert_many([{"_id": f"d{d}", "n": 0, "by": []} for d in range(7)])
    await asyncio.gather(*(write(i) for i in range(WRITERS)))
    total, seen = 0, []
    for c in range(3):
        async for doc in dbs[0][f"c{c}"].find({}):
            total += doc["n"]
            seen += doc["by"]
    assert total == WRITERS and sorted(seen) == list(range(WRITERS))


async def test_relay_pull_all_racing_new_entries_keeps_the_new_ones(dbs: Dbs) -> None:
    """The relay removes the entries it published with one ``$pullAll`` (filtered by ``_id``
    alone) while state changes stage more: only the published ones leave, the count stays true."""
    docs, staged = 50, 3
    first = {d: [{"id": f"e{d}-{i}", "topic": "t", "body": {"i": i}} for i in range(staged)] for d in range(docs)}
    await dbs[0].doc.insert_many([{"_id": d, OUTBOX: first[d], COUNT: staged} for d in range(docs)])

    async def relay(d: int) -> None:
        await spread(dbs, d).doc.update_one({"_id": d}, {"$pullAll": {OUTBOX: first[d]}, "$inc": {COUNT: -staged}})

    async def stage(d: int, k: int) -> None:
        await spread(dbs, d + k).doc.update_one(
            {"_id": d}, {"$push": {OUTBOX: {"id": f"n{d}-{k}", "topic": "t"}}, "$inc": {COUNT: 1}})

    await asyncio.gather(*(relay(d) for d in range(docs)), *(stage(d, k) for d in range(docs) for k in range(2)))
    async for doc in dbs[0].doc.find({}):
        assert sorted(e["id"] for e in doc[OUTBOX]) == [f"n{doc['_id']}-0", f"n{doc['_id']}-1"], doc
        assert doc[COUNT] == 2, doc
