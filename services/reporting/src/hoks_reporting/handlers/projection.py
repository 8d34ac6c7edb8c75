"""The use cases that keep the report current: events → entity documents → aggregate documents.

Aggregates are written first, entities last: a crash in between makes the redelivered batch
compute the same members again (setting a member is idempotent) and push the totals up again, so
nothing is counted twice or lost. Each entity and each aggregate has one writer.

``apply_events`` runs the whole fold in one process (the replay, the tests); the service runs it in
two stages partitioned over its replicas (``subscribers``): ``apply_to_entities`` publishes the
members an entity batch changes to the writers of their aggregates before saving the entities,
``apply_member_changes`` rolls them up there (and hands the global list's members on to its writer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hoks_reporting.domain.projection import Changes, EntityFold, Stays, entity_ids, everywhere, fold_entities
from hoks_reporting.domain.projection import roll_up_level, stays_with_owner
from hoks_reporting.domain.students import StudentRules
from hoks_reporting.handlers.ports import AGGREGATES, ENTITIES, ProjectionDeps, ReportStore, StageDeps
from hoks_shared.store.idempotent import ApplyResult


@dataclass(frozen=True)
class ApplyEvents:
    """Report events in their order (a batch, or a whole history)."""

    events: Sequence[Any]


@dataclass(frozen=True)
class ApplyMemberChanges:
    """Members of aggregates this writer owns (in their partition's order: the last one holds)."""

    changes: Changes


def _results(fold: EntityFold) -> list[ApplyResult]:
    return [ApplyResult.APPLIED if applied else ApplyResult.STALE for applied in fold.applied]


async def _fold(store: ReportStore, events: Sequence[Any], rules: StudentRules,
                wanted: Sequence[str] | None = None) -> EntityFold:
    wanted = entity_ids(events) if wanted is None else wanted
    stored = await store.load(ENTITIES, wanted) if wanted else {}
    return fold_entities(stored, events, rules, wanted)


async def _roll_up(store: ReportStore, changes: Changes, stays: Stays = everywhere) -> Changes:
    """Write changed members, then carry each touched aggregate's totals up a level, level by
    level; returns the members of parents that ``stays`` says another writer rolls up."""
    to_save: list[dict[str, Any]] = []
    to_delete: list[str] = []
    elsewhere: Changes = {}
    while changes:
        level = roll_up_level(await store.load(AGGREGATES, sorted(changes)), changes, stays)
        to_save += level.to_save
        to_delete += level.to_delete
        for agg_id, members in level.elsewhere.items():
            elsewhere.setdefault(agg_id, {}).update(members)
        changes = level.parents
    if to_save:
        await store.save(AGGREGATES, to_save)
    if to_delete:
        await store.delete(AGGREGATES, to_delete)
    return elsewhere


async def apply_events(cmd: ApplyEvents, deps: ProjectionDeps) -> list[ApplyResult]:
    """Apply events in order; the result of each (applied, or stale: it changed nothing)."""
    fold = await _fold(deps.store, cmd.events, deps.rules)
    await _roll_up(deps.store, fold.changes)
    if fold.entity_docs:
        await deps.store.save(ENTITIES, fold.entity_docs)
    return _results(fold)


async def apply_to_entities(cmd: ApplyEvents, deps: StageDeps) -> list[ApplyResult]:
    """Stage 1: apply events to the entities this writer owns; the members they change go to the
    aggregates' writers (published before the entities are saved)."""
    if not cmd.events:
        return []
    wanted = entity_ids(cmd.events)
    async with deps.locks.holding(wanted):
        fold = await _fold(deps.store, cmd.events, deps.rules, wanted)
        if fold.changes:
            await deps.member_changes.publish(fold.changes)
        if fold.entity_docs:
            await deps.store.save(ENTITIES, fold.entity_docs)
    return _results(fold)


async def apply_member_changes(cmd: ApplyMemberChanges, deps: StageDeps) -> None:
    """Stage 2: roll up the aggregates this writer owns; the members of the global list, which has
    a writer of its own, are published to it after the aggregates are saved."""
    if not cmd.changes:
        return
    elsewhere = await _roll_up(deps.store, cmd.changes, stays_with_owner)
    if elsewhere:
        await deps.member_changes.publish(elsewhere)
