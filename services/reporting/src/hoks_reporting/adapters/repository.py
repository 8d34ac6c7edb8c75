"""Reporting views: one summary document per completed checklist (the per-teacher roll-up builds on it)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase

from hoks_reporting.domain.checklist_summary import ChecklistSummary
from hoks_shared.store.idempotent import ApplyResult, apply_once

CHECKLIST_SUMMARIES = "checklist_summaries"


class SummaryRepository(Protocol):
    async def save(self, summary: ChecklistSummary, event_id: str) -> ApplyResult: ...


class MongoSummaryRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db[CHECKLIST_SUMMARIES]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("unit_id", 1), ("academic_year", 1), ("responsible_teacher_oid", 1)])

    async def save(self, summary: ChecklistSummary, event_id: str) -> ApplyResult:
        fields = asdict(summary)
        meeting_id = fields.pop("meeting_id")
        return await apply_once(self.collection, meeting_id, event_id, {"$set": fields})
