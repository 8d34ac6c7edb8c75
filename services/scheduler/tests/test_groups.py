"""The scheduler's group view and a group's phase of studies."""

from __future__ import annotations

from datetime import date

from hoks_scheduler.domain.groups import Group, group_from_feed, study_progress
from hoks_scheduler.handlers import record_group
from hoks_shared.store.idempotent import ApplyResult
from hoks_shared.testing import samples


class FakeGroups:
    def __init__(self) -> None:
        self.groups: dict[str, tuple[int, Group]] = {}

    async def upsert(self, group: Group, version: int) -> ApplyResult:
        held = self.groups.get(group.group_id)
        if held and held[0] >= version:
            return ApplyResult.STALE
        self.groups[group.group_id] = (version, group)
        return ApplyResult.APPLIED

    async def get(self, group_id: str) -> Group | None:
        held = self.groups.get(group_id)
        return held[1] if held else None


async def test_an_older_sis_version_never_overwrites_a_newer_one():
    repo = FakeGroups()
    new = samples.group_upserted(source_version=5, counselor_oid="1.2.246.562.24.20000000099")
    old = samples.group_upserted(source_version=3)
    assert await record_group(new, repo) == ApplyResult.APPLIED
    assert await record_group(old, repo) == ApplyResult.STALE
    assert await record_group(new, repo) == ApplyResult.STALE
    assert (await repo.get("TVO24A")).counselor_oid == "1.2.246.562.24.20000000099"


def test_study_progress_runs_from_start_to_planned_end():
    group = group_from_feed(samples.group_upserted(start_date=date(2025, 8, 1), planned_end_date=date(2027, 8, 1)))
    assert study_progress(group, date(2025, 7, 1)) == 0.0
    assert abs(study_progress(group, date(2026, 8, 1)) - 0.5) < 0.01
    assert study_progress(group, date(2028, 1, 1)) == 1.0
