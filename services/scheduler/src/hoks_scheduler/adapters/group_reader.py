"""Reads teaching groups from the scheduler's SIS view (``sis_groups``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from hoks_scheduler.domain.groups import Group
from hoks_shared.sisviews.projection import GROUPS, STAFF


def group_from_view(doc: dict[str, Any]) -> Group:
    return Group(
        group_id=doc["_id"],
        unit_id=doc["unit_id"],
        study_type=doc.get("study_type", "pt"),
        start_date=date.fromisoformat(doc["start_date"]),
        planned_end_date=date.fromisoformat(doc["planned_end_date"]),
        responsible_teacher_oids=tuple(doc["responsible_teacher_oids"]),
        counselor_oid=doc["counselor_oid"],
        special_needs_teacher_oid=doc.get("special_needs_teacher_oid"),
        curator_oid=doc.get("curator_oid"),
        active=doc.get("active", True),
    )


class SisGroupReader:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db[GROUPS]
        self.staff = db[STAFF]

    async def get(self, group_id: str) -> Group | None:
        doc = await self.collection.find_one({"_id": group_id})
        return group_from_view(doc) if doc else None

    async def in_unit(self, unit_id: str) -> list[Group]:
        return [group_from_view(d) async for d in self.collection.find({"unit_id": unit_id, "active": True})]

    async def active(self, unit_ids: list[str] | None = None) -> list[Group]:
        """Active groups of the given units (every unit when None)."""
        query: dict[str, Any] = {"active": True}
        if unit_ids is not None:
            query["unit_id"] = {"$in": unit_ids}
        return [group_from_view(d) async for d in self.collection.find(query)]

    async def inactive_staff(self) -> set[str]:
        """Staff the SIS marks inactive (left, on long leave): planned without."""
        return {d["_id"] async for d in self.staff.find({"active": False}, {"_id": 1})}
