"""Unique indexes under concurrent inserts, and bulk writes larger than one write chunk."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from hoks_shared.store.limits import WRITE_CHUNK

pytestmark = pytest.mark.integration

Dbs = list[AsyncDatabase[dict[str, Any]]]
WRITERS = 100


async def _inserts(dbs: Dbs, docs: list[dict[str, Any]]) -> list[Any]:
    return await asyncio.gather(*(dbs[i % len(dbs)].u.insert_one(d) for i, d in enumerate(docs)),
                                return_exceptions=True)


async def test_concurrent_inserts_of_one_id_have_one_winner(dbs: Dbs) -> None:
    results = await _inserts(dbs, [{"_id": "same", "writer": i} for i in range(WRITERS)])
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(r, DuplicateKeyError) for r in results if isinstance(r, BaseException))
    assert await dbs[0].u.count_documents({}) == 1


async def test_a_unique_secondary_index_refuses_concurrent_duplicates(dbs: Dbs) -> None:
    await dbs[0].u.create_index("event_id", unique=True)
    results = await _inserts(dbs, [{"_id": i, "event_id": f"e{i % 10}"} for i in range(WRITERS)])
    assert sum(not isinstance(r, BaseException) for r in results) == 10
    assert all(isinstance(r, DuplicateKeyError) for r in results if isinstance(r, BaseException))
    assert sorted(await dbs[0].u.distinct("event_id")) == sorted(f"e{i}" for i in range(10))


@pytest.mark.parametrize("chunks", [1, 7])
async def test_bulk_updates_over_the_chunk_size_apply_every_statement(dbs: Dbs, chunks: int) -> None:
    """``WRITE_CHUNK`` statements per command (FerretDB deadlocks past ~100); several chunked
    bulk writers at once, on overlapping documents, lose nothing."""
    n = WRITE_CHUNK * chunks + 3
    await dbs[0].b.insert_many([{"_id": i, "n": 0} for i in range(n)])

    async def writer(w: int) -> None:
        ops = [UpdateOne({"_id": i}, {"$inc": {"n": 1}}) for i in range(n)]
        for start in range(0, n, WRITE_CHUNK):
            result = await dbs[w % len(dbs)].b.bulk_write(ops[start:start + WRITE_CHUNK], ordered=False)
            assert result.matched_count == len(ops[start:start + WRITE_CHUNK])

    await asyncio.gather(*(writer(w) for w in range(4)))
    assert sorted({d["n"] async for d in dbs[0].b.find({})}) == [4]


async def test_insert_many_over_the_chunk_size_in_chunks(dbs: Dbs) -> None:
    docs = [{"_id": i} for i in range(WRITE_CHUNK * 20)]
    for start in range(0, len(docs), WRITE_CHUNK):
        await dbs[start % len(dbs)].m.insert_many(docs[start:start + WRITE_CHUNK], ordered=False)
    assert await dbs[0].m.count_documents({}) == len(docs)
