"""Display names for the pages, from the service's SIS views (read by ``_id``).

Names never enter the report documents; staff names are cached briefly (they change rarely and
a unit page names every teacher), student names are read only for a drill-down that may show them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from hoks_shared.sisviews.projection import STAFF, STUDENTS


class NameLookup:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], ttl_s: float = 60.0, concurrency: int = 8) -> None:
        self.db = db
        self.ttl_s = ttl_s
        self.concurrency = concurrency
        self._staff: dict[str, tuple[float, str | None]] = {}

    async def _read(self, collection: str, oids: list[str]) -> dict[str, str | None]:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(oid: str) -> tuple[str, str | None]:
            async with gate:
                doc = await self.db[collection].find_one({"_id": oid}, {"display_name": 1})
            return oid, (doc or {}).get("display_name")

        return dict(await asyncio.gather(*(one(o) for o in oids)))

    async def staff(self, oids: Iterable[str | None]) -> dict[str, str | None]:
        now = time.monotonic()
        wanted = {o for o in oids if o}
        missing = [o for o in wanted if o not in self._staff or self._staff[o][0] < now]
        for oid, name in (await self._read(STAFF, missing)).items():
            self._staff[oid] = (now + self.ttl_s, name)
        return {o: self._staff[o][1] for o in wanted}

    async def students(self, oids: Iterable[str]) -> dict[str, str | None]:
        return await self._read(STUDENTS, sorted(set(oids)))
