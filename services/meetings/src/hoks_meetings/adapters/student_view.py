"""Reads the service's SIS view for checklists and pages, by ``_id`` only (see ``rosters``);
implements the ``StudentDirectory`` port of ``handlers.py``."""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from hoks_meetings.adapters.rosters import ROSTERS
from hoks_meetings.domain.roster import on_roster
from hoks_shared.sisviews.projection import STAFF, STUDENTS


class MongoStudentDirectory:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], read_concurrency: int = 8) -> None:
        self.students_coll = db[STUDENTS]
        self.rosters = db[ROSTERS]
        self.staff_coll = db[STAFF]
        self.read_concurrency = read_concurrency

    async def roster(self, group_id: str, responsible_teacher_oid: str | None) -> list[dict[str, Any]]:
        listed = await self.rosters.find_one({"_id": group_id})
        oids = sorted((listed or {}).get("students", {}).values())
        docs = [d for d in await self.students(oids) if on_roster(d, group_id, responsible_teacher_oid)]
        return sorted(docs, key=lambda d: (d.get("display_name") or "", d["_id"]))

    async def students(self, student_oids: list[str]) -> list[dict[str, Any]]:
        gate = asyncio.Semaphore(self.read_concurrency)

        async def one(oid: str) -> dict[str, Any] | None:
            async with gate:
                return await self.students_coll.find_one({"_id": oid})

        docs = await asyncio.gather(*(one(oid) for oid in student_oids))
        return [d for d in docs if d is not None]

    async def staff_names(self, staff_oids: list[str]) -> dict[str, str]:
        docs = await asyncio.gather(*(self.staff_coll.find_one({"_id": oid}, {"display_name": 1})
                                      for oid in staff_oids))
        return {d["_id"]: d["display_name"] for d in docs if d and d.get("display_name")}
