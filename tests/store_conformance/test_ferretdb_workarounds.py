"""One test per FerretDB 1.24 workaround listed in the README: the quirk that makes it necessary
(skipped on MongoDB, which does not have it) and the workaround itself (run on both)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, OperationFailure

from hoks_devinfra.config import InfraConfig
from hoks_shared.store.outbox import DRAINED, OUTBOX, STAGED

pytestmark = pytest.mark.integration

Dbs = list[AsyncDatabase[dict[str, Any]]]


async def test_quirk_push_with_slice_is_ignored(dbs: Dbs, ferretdb_only: None) -> None:
    await dbs[0].q.insert_one({"_id": 1, "items": [1, 2, 3]})
    await dbs[0].q.update_one({"_id": 1}, {"$push": {"items": {"$each": [4], "$slice": -2}}})
    assert (await dbs[0].q.find_one({"_id": 1}))["items"] == [1, 2, 3, 4]  # MongoDB keeps [3, 4]


async def test_quirk_pull_with_a_condition_does_not_match(dbs: Dbs, ferretdb_only: None) -> None:
    """Matched as a whole document, not as a condition on the element's fields."""
    await dbs[0].q.insert_one({"_id": 1, OUTBOX: [{"id": "a", "topic": "t"}, {"id": "b", "topic": "t"}]})
    await dbs[0].q.update_one({"_id": 1}, {"$pull": {OUTBOX: {"id": "a"}}})
    assert len((await dbs[0].q.find_one({"_id": 1}))[OUTBOX]) == 2  # MongoDB removes "a"


async def test_workaround_the_outbox_removes_published_entries_by_pull_all_of_the_exact_entries(dbs: Dbs) -> None:
    """What the relay does instead of ``$pull`` with a condition: ``$pullAll`` of the entries as
    read (dates included); a second removal of the same entries removes nothing."""
    created = datetime(2026, 12, 1, 1, 2, 3, 456000, tzinfo=UTC)
    staged = [{"id": i, "topic": "t", "created_at": created, "body": {"n": n}} for n, i in enumerate("abc")]
    await dbs[0].q.insert_one({"_id": 1, OUTBOX: staged})
    read = (await dbs[0].q.find_one({"_id": 1}))[OUTBOX]
    for _ in range(2):
        await dbs[0].q.update_one({"_id": 1}, {"$pullAll": {OUTBOX: read[:2]}})
        assert [e["id"] for e in (await dbs[0].q.find_one({"_id": 1}))[OUTBOX]] == ["c"]
    assert await dbs[0].q.count_documents(STAGED) == 1 and await dbs[0].q.count_documents(DRAINED) == 0
    await dbs[0].q.update_one({"_id": 1}, {"$pullAll": {OUTBOX: read[2:]}})
    assert await dbs[0].q.count_documents(STAGED) == 0 and await dbs[0].q.count_documents(DRAINED) == 1


async def test_quirk_find_and_modify_takes_no_projection(dbs: Dbs, ferretdb_only: None) -> None:
    """Why the outbox relay's removal reads back the whole document."""
    await dbs[0].q.insert_one({"_id": 1, "a": 1, "b": 2})
    with pytest.raises(OperationFailure, match="not implemented"):
        await dbs[0].q.find_one_and_update({"_id": 1}, {"$inc": {"a": 1}}, projection={"a": 1})


async def test_quirk_only_a_bare_id_filter_is_pushed_down(dbs: Dbs, ferretdb_only: None) -> None:
    """Why hot paths filter by ``_id`` alone and decide versions in the client (``SisViews``)."""
    await dbs[0].q.insert_many([{"_id": f"d{i}", "v": i} for i in range(20)])

    async def pushed_down(flt: dict[str, Any]) -> bool:
        plan = await dbs[0].command({"explain": {"find": "q", "filter": flt}, "verbosity": "queryPlanner"})
        return bool(plan["filterPushdown"])

    assert await pushed_down({"_id": "d3"})
    assert not await pushed_down({"_id": "d3", "v": {"$lt": 5}})


async def test_workaround_an_id_lookup_index_on_every_collection_table(dbs: Dbs, ferretdb_only: None) -> None:
    """FerretDB's own ``_id`` index is on an expression its UPDATE/DELETE do not use; the
    embedded store's keeper (``deploy/ferretdb/idindex.go``) adds the one they do use."""
    await dbs[0].q.insert_one({"_id": 1})
    file = InfraConfig.from_env().state_dir / "ferretdb" / f"{dbs[0].name}.sqlite"
    if not file.exists():
        pytest.skip(f"the embedded store's files are not on this machine ({file})")
    deadline = time.monotonic() + 15
    while True:
        with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as conn:
            indexes = [r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type='index'")]
        if any(sql and "'$._id'" in sql for sql in indexes):
            break
        assert time.monotonic() < deadline, f"no _id lookup index after 15 s: {indexes}"
        await asyncio.sleep(0.5)


async def test_quirk_a_bulk_update_with_a_write_error_lacks_n_modified(dbs: Dbs, ferretdb_only: None) -> None:
    """Why no update relies on a write error: PyMongo raises ``KeyError`` instead of
    ``BulkWriteError`` (``nModified`` missing from FerretDB's reply)."""
    await dbs[0].q.insert_many([{"_id": 1, "n": 1}, {"_id": 2, "n": "text"}])
    with pytest.raises(KeyError):
        await dbs[0].q.bulk_write([UpdateOne({"_id": 1}, {"$inc": {"n": 1}}),
                                   UpdateOne({"_id": 2}, {"$inc": {"n": 1}})], ordered=False)


async def test_a_bulk_update_with_a_write_error_is_refused_on_any_store(dbs: Dbs) -> None:
    await dbs[0].q.insert_many([{"_id": 1, "n": 1}, {"_id": 2, "n": "text"}])
    with pytest.raises((BulkWriteError, KeyError)):
        await dbs[0].q.bulk_write([UpdateOne({"_id": 1}, {"$inc": {"n": 1}}),
                                   UpdateOne({"_id": 2}, {"$inc": {"n": 1}})], ordered=False)
    assert (await dbs[0].q.find_one({"_id": 2}))["n"] == "text"
