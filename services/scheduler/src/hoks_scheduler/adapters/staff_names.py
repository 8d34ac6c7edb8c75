"""Display names of staff for the plan overview, from the SIS staff view (names never enter
meetings, events or feeds)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase

from hoks_shared.sisviews.projection import STAFF


class StaffNames(Protocol):
    async def names(self, oids: Iterable[str]) -> dict[str, str]: ...


class SisStaffNames:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.staff = db[STAFF]

    async def names(self, oids: Iterable[str]) -> dict[str, str]:
        wanted = sorted({o for o in oids if o})
        return {d["_id"]: d["display_name"] async for d in self.staff.find({"_id": {"$in": wanted}},
                                                                           {"display_name": 1})
                if d.get("display_name")}
