"""Reads a student's group and responsible teacher from the scheduler's SIS view (``sis_students``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from hoks_shared.sisviews.projection import STUDENTS


@dataclass(frozen=True)
class StudentPlacement:
    student_oid: str
    group_id: str
    unit_id: str
    responsible_teacher_oid: str
    active: bool


class SisStudentReader:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db[STUDENTS]

    async def get(self, student_oid: str) -> StudentPlacement | None:
        doc = await self.collection.find_one(
            {"_id": student_oid}, {"group_id": 1, "unit_id": 1, "responsible_teacher_oid": 1, "active": 1})
        if not doc or "group_id" not in doc:
            return None
        return StudentPlacement(doc["_id"], doc["group_id"], doc["unit_id"], doc["responsible_teacher_oid"],
                                doc.get("active", True))
