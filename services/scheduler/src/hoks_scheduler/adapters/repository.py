"""The scheduler's view of teaching groups (from the SIS feed)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, time
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase

from hoks_scheduler.domain.groups import Group
from hoks_shared.store.idempotent import ApplyResult, apply_if_newer

GROUPS = "groups"


class GroupRepository(Protocol):
    async def upsert(self, group: Group, version: int) -> ApplyResult: ...

    async def get(self, group_id: str) -> Group | None: ...


def _midnight(d: date) -> datetime:  # BSON has no date type
    return datetime.combine(d, time())


class MongoGroupRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db[GROUPS]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("unit_id", 1)])
        await self.collection.create_index([("counselor_oid", 1)])

    async def upsert(self, group: Group, version: int) -> ApplyResult:
        fields = asdict(group)
        fields.pop("group_id")
        fields["start_date"] = _midnight(group.start_date)
        fields["planned_end_date"] = _midnight(group.planned_end_date)
        fields["responsible_teacher_oids"] = list(group.responsible_teacher_oids)
        return await apply_if_newer(self.collection, group.group_id, version, fields)

    async def get(self, group_id: str) -> Group | None:
        doc = await self.collection.find_one({"_id": group_id})
        if doc is None:
            return None
        return Group(
            group_id=doc["_id"],
            unit_id=doc["unit_id"],
            study_type=doc["study_type"],
            start_date=doc["start_date"].date(),
            planned_end_date=doc["planned_end_date"].date(),
            responsible_teacher_oids=tuple(doc["responsible_teacher_oids"]),
            counselor_oid=doc["counselor_oid"],
            special_needs_teacher_oid=doc.get("special_needs_teacher_oid"),
            curator_oid=doc.get("curator_oid"),
            active=doc["active"],
        )
