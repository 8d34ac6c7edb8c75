"""The staff and students a referral is routed among, read from the service's SIS views."""

from __future__ import annotations

from datetime import date
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from hoks_referrals.domain.routing import Candidate
from hoks_referrals.domain.valpas import StudentFacts
from hoks_shared.sisviews.projection import STAFF, STUDENTS


class SisStaffDirectory:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.db = db

    async def candidates(self, unit_id: str) -> list[Candidate]:
        out = []
        async for doc in self.db[STAFF].find({"unit_ids": unit_id}, {"roles": 1, "unit_ids": 1, "active": 1}):
            out.append(Candidate(staff_oid=doc["_id"], roles=frozenset(doc.get("roles", [])),
                                 unit_ids=frozenset(doc.get("unit_ids", [])), active=doc.get("active", True)))
        return out

    async def student(self, student_oid: str) -> StudentFacts:
        doc = await self.db[STUDENTS].find_one(
            {"_id": student_oid}, {"unit_id": 1, "responsible_teacher_oid": 1, "compulsory_education_ends": 1})
        if not doc:
            return StudentFacts()
        ends = doc.get("compulsory_education_ends")
        return StudentFacts(
            unit_id=doc.get("unit_id"),
            responsible_teacher_oid=doc.get("responsible_teacher_oid"),
            compulsory_education_ends=date.fromisoformat(ends) if isinstance(ends, str) else None,
        )

    async def display_names(self, oids: list[str]) -> dict[str, str]:
        """Display names of students, or of staff (who referred), for the pages (names never
        leave the pages)."""
        names = {}
        for oid in dict.fromkeys(oids):
            doc = await self.db[STUDENTS].find_one({"_id": oid}, {"display_name": 1}) \
                or await self.db[STAFF].find_one({"_id": oid}, {"display_name": 1})
            if doc and doc.get("display_name"):
                names[oid] = doc["display_name"]
        return names

    async def student_groups(self, student_oids: list[str]) -> dict[str, str]:
        """Each student's teaching group (for the pages)."""
        groups = {}
        for oid in dict.fromkeys(student_oids):
            doc = await self.db[STUDENTS].find_one({"_id": oid}, {"group_id": 1})
            if doc and doc.get("group_id"):
                groups[oid] = doc["group_id"]
        return groups
