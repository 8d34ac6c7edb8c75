"""Which units a staff member works in (object-level checks on writes about a person, e.g. their
unavailable days): the units of their SIS staff record and of the groups they serve."""

from __future__ import annotations

from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase

from hoks_shared.sisviews.projection import GROUPS, STAFF

GROUP_ROLES = ("responsible_teacher_oids", "counselor_oid", "special_needs_teacher_oid", "curator_oid")


class StaffUnits(Protocol):
    async def units_of(self, person_oid: str) -> set[str]: ...


class SisStaffUnits:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.staff = db[STAFF]
        self.groups = db[GROUPS]

    async def units_of(self, person_oid: str) -> set[str]:
        units: set[str] = set()
        doc = await self.staff.find_one({"_id": person_oid}, {"unit_ids": 1})
        if doc:
            units.update(doc.get("unit_ids") or [])
        query = {"$or": [{field: person_oid} for field in GROUP_ROLES]}
        async for group in self.groups.find(query, {"unit_id": 1}):
            units.add(group["unit_id"])
        return units
