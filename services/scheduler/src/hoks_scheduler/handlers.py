"""Use cases of the scheduler service."""

from __future__ import annotations

from hoks_scheduler.adapters.repository import GroupRepository
from hoks_scheduler.domain.groups import group_from_feed
from hoks_shared.contracts.sis import GroupUpserted
from hoks_shared.store.idempotent import ApplyResult


async def record_group(event: GroupUpserted, groups: GroupRepository) -> ApplyResult:
    """Keep the group view current; an older SIS version never overwrites a newer one."""
    return await groups.upsert(group_from_feed(event), event.source_version)
