"""The SIS views' store I/O: reads by ``_id``, whole-document inserts, chunked ``$set`` updates.

Every filter is exactly ``{_id: <string>}``: FerretDB 1.24 pushes only that down to SQLite (any
further condition scans the whole collection per statement: 240 ms at 20,000 documents). Update
commands are cut to ``WRITE_CHUNK`` statements (FerretDB deadlocks past ~100 in one command).
Transient failures (connection, timeout) raise; a document the store refuses is reported, never
raised, so the rest of the batch is written. Every command runs within the SIS ingestion's share
of the store (``StoreBudget``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, ConnectionFailure, NetworkTimeout, PyMongoError

from hoks_shared.sisviews.store_budget import StoreBudget
from hoks_shared.sisviews.version_fold import GROUPS, STAFF, STUDENTS, DocChange, Sections, nest
from hoks_shared.store.limits import WRITE_CHUNK

#: Documents per insert command: the front holds the database's lock for a command's whole run;
#: a few thousand whole documents are a fraction of a second, so a domain write waits that long.
INSERT_CHUNK = 1000

#: A document's change and the sections of it to write.
Write = tuple[DocChange, Sections]
#: A write and why the store refused it (None: written).
Written = tuple[DocChange, Sections, str | None]
#: MongoDB's (and FerretDB's) code for a duplicate ``_id``
DUPLICATE_KEY = 11000


class ViewStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], read_concurrency: int = 8,
                 budget: StoreBudget | None = None) -> None:
        self.db = db
        self.read_concurrency = read_concurrency
        self.budget = budget or StoreBudget()

    async def is_empty(self, collection: str) -> bool:
        async with self.budget.spend():
            return await self.db[collection].find_one({}, {"_id": 1}) is None

    async def ensure_indexes(self) -> None:
        students = self.db[STUDENTS]
        await students.create_index([("group_id", 1)])
        await students.create_index([("responsible_teacher_oid", 1)])
        await students.create_index([("unit_id", 1)])
        await self.db[GROUPS].create_index([("unit_id", 1)])
        await self.db[STAFF].create_index([("unit_ids", 1)])

    async def read(self, collection: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The stored documents of ``ids`` that exist, by ``_id``: one read each, by
        ``read_concurrency`` readers taking the next id from one list (not a task per id)."""
        coll = self.db[collection]
        pending = list(ids)
        found: dict[str, dict[str, Any]] = {}

        async def reader() -> None:
            while pending:
                async with self.budget.spend():
                    doc = await coll.find_one({"_id": pending.pop()})
                if doc is not None:
                    found[doc["_id"]] = doc

        await asyncio.gather(*(reader() for _ in range(min(self.read_concurrency, len(pending)))))
        return found

    async def insert(self, collection: str, items: list[Write]) -> tuple[list[Written], list[Write]]:
        """New documents, each whole, in unordered ``insert_many`` commands of ``INSERT_CHUNK``
        (an insert is one statement per document on FerretDB too, but ~10 times cheaper than a
        ``$set``). Returns what was written or refused, and apart the documents that turned
        out to exist already (duplicate ``_id``: to be decided against the stored document)."""
        done: list[Written] = []
        exist: list[Write] = []
        for start in range(0, len(items), INSERT_CHUNK):
            chunk = items[start:start + INSERT_CHUNK]
            failed: dict[int, dict[str, Any]] = {}
            try:
                async with self.budget.spend():
                    await self.db[collection].insert_many(
                        [{"_id": change.doc_id, **nest(DocChange.fields(write))} for change, write in chunk],
                        ordered=False)
            except BulkWriteError as exc:
                failed = {e["index"]: e for e in exc.details.get("writeErrors", [])}
            for i, (change, write) in enumerate(chunk):
                error = failed.get(i)
                if error is None:
                    done.append((change, write, None))
                elif error.get("code") == DUPLICATE_KEY:
                    exist.append((change, write))
                else:
                    done.append((change, write, f"store refused the document: {error.get('errmsg')}"))
        return done, exist

    async def update(self, collection: str, items: list[Write]) -> list[Written]:
        """One ``$set`` of the newer sections per document, in unordered bulk writes of
        ``WRITE_CHUNK``; a chunk the store refuses is written again one by one, to tell the
        refused documents from the rest."""
        coll = self.db[collection]
        done: list[Written] = []
        for start in range(0, len(items), WRITE_CHUNK):
            chunk = items[start:start + WRITE_CHUNK]
            try:
                async with self.budget.spend():
                    await coll.bulk_write([UpdateOne({"_id": change.doc_id}, {"$set": DocChange.fields(write)})
                                           for change, write in chunk], ordered=False)
                done += [(change, write, None) for change, write in chunk]
                continue
            except (ConnectionFailure, NetworkTimeout):
                raise
            except (BulkWriteError, KeyError, PyMongoError):
                pass
            for change, write in chunk:
                try:
                    async with self.budget.spend():
                        await coll.update_one({"_id": change.doc_id}, {"$set": DocChange.fields(write)})
                    done.append((change, write, None))
                except (ConnectionFailure, NetworkTimeout):
                    raise
                except PyMongoError as exc:
                    done.append((change, write, f"store refused the update: {exc}"))
        return done
