"""Use cases of the reporting service."""

from __future__ import annotations

from hoks_reporting.adapters.repository import SummaryRepository
from hoks_reporting.domain.checklist_summary import summarise
from hoks_shared.contracts.envelope import EventMeta
from hoks_shared.contracts.meetings import ChecklistCompleted
from hoks_shared.store.idempotent import ApplyResult


async def record_checklist(event: ChecklistCompleted, meta: EventMeta, summaries: SummaryRepository) -> ApplyResult:
    return await summaries.save(summarise(event), meta.id)
