"""The SIS views' store I/O: reads by ``_id``, whole-document inserts, chunked ``$set`` updates.

Every filter is exactly ``{_id: <string>}``: FerretDB 1.24 pushes only that down to SQLite (any
further condition scans the whole collection per statement: 240 ms at 20,000 documents). Update
commands are cut to ``WRITE_CHUNK`` statements (FerretDB deadlocks past ~100 in one command).
Transient failures (connection, timeout) raise; a document the store refuses is reported, never
raised, so the rest of the batch is written.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, ConnectionFailure, NetworkTimeout, PyMongoError

from hoks_shared.sisviews.version_fold import GROUPS, STAFF, STUDENTS, DocChange, Sections, nest
from hoks_shared.store.limits import WRITE_CHUNK

#: A document's change and the sections of it to write.
Write = tuple[DocChange, Sections]
#: A write and why the store refused it (None: written).
Written = tuple[DocChange, Sections, str | None]


class ViewStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], read_concurrency: int = 8) -> None:
        self.db = db
        self.read_concurrency = read_concurrency

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
                doc = await coll.find_one({"_id": pending.pop()})
                if doc is not None:
                    found[doc["_id"]] = doc

        await asyncio.gather(*(reader() for _ in range(min(self.read_concurrency, len(pending)))))
        return found

    async def insert(self, collection: str, items: list[Write]) -> list[Written]:
        """New documents, each whole, in one unordered ``insert_many``."""
        if not items:
            return []
        failed: dict[int, dict[str, Any]] = {}
        try:
            await self.db[collection].insert_many(
                [{"_id": change.doc_id, **nest(DocChange.fields(write))} for change, write in items], ordered=False)
        except BulkWriteError as exc:
            failed = {e["index"]: e for e in exc.details.get("writeErrors", [])}
        return [(change, write, None if i not in failed else f"store refused the document: {failed[i].get('errmsg')}")
                for i, (change, write) in enumerate(items)]

    async def update(self, collection: str, items: list[Write]) -> list[Written]:
        """One ``$set`` of the newer sections per document, in unordered bulk writes of
        ``WRITE_CHUNK``; a chunk the store refuses is written again one by one, to tell the
        refused documents from the rest."""
        coll = self.db[collection]
        done: list[Written] = []
        for start in range(0, len(items), WRITE_CHUNK):
            chunk = items[start:start + WRITE_CHUNK]
            try:
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
                    await coll.update_one({"_id": change.doc_id}, {"$set": DocChange.fields(write)})
                    done.append((change, write, None))
                except (ConnectionFailure, NetworkTimeout):
                    raise
                except PyMongoError as exc:
                    done.append((change, write, f"store refused the update: {exc}"))
        return done
