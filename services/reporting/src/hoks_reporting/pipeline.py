"""The report in two stages, each partitioned over the replicas: one writer per document.

**Entities** (the report's source topics and the checklist rows, partitions owned by this replica):
every event keyed by a student reaches the owner of the student's partition, so a student's
entities (``stu|…``, ``cl|…``) have one writer; a meeting's events share its group's (or
student's) key, so ``mtg|…`` has one writer too. A completed checklist is keyed by its group, not
by its students: it is split into single-row checklists, re-keyed by student
(``hoks.reporting.checklist-rows.v1``, as Kafka Streams repartitions), and applied from there. The
members an entity changes are published keyed by the aggregate's owner
(``hoks.reporting.member-changes.v1``) before the entities are saved: a crash in between
redelivers the batch, which computes and publishes the same absolute members again.

**Aggregates** (member changes, partitions owned by this replica): a unit's aggregates (teacher,
unit, counselor, index) all have the unit's key and are rolled up here; the global list ``G``
has its own key, so the unit totals going up into it are published once more, to the one replica
that owns ``G``'s partition. Aggregates are saved before the changes for ``G`` are published.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from hoks_reporting.adapters.internal_topics import (
    CHECKLIST_ROWS,
    MEMBER_CHANGES,
    change_records,
    first_row,
    read_change,
    row_records,
)
from hoks_reporting.domain import keys
from hoks_reporting.entity_locks import EntityLocks
from hoks_reporting.event_decoding import decode
from hoks_reporting.projector import Changes, Projector, is_reported
from hoks_shared.contracts.meetings import ChecklistCompleted
from hoks_shared.runtime.service import ServiceRuntime

#: Hands one record to the producer; returns its acknowledgement, to await with the others.
Send = Callable[[str, str, bytes, dict[str, str]], Awaitable[Awaitable[Any]]]


def broker_send(runtime: ServiceRuntime) -> Send:
    async def send(topic: str, key: str, value: bytes, headers: dict[str, str]) -> Awaitable[Any]:
        return await runtime.broker.publish(value, topic=topic, key=key.encode(), headers=headers,
                                            no_confirm=True)
    return send


class Pipeline:
    def __init__(self, projector: Projector, runtime: ServiceRuntime, send: Send) -> None:
        self.projector = projector
        self.runtime = runtime
        self.send = send
        self.rows_topic = runtime.naming.prefix + CHECKLIST_ROWS
        self.changes_topic = runtime.naming.prefix + MEMBER_CHANGES
        #: the domain and SIS lanes both write students' entities: a batch waits for those it shares one with
        self.entity_locks = EntityLocks()

    async def _send_all(self, records: list[tuple[str, str, bytes, dict[str, str]]]) -> None:
        acks = [await self.send(*record) for record in records]
        await asyncio.gather(*acks)

    async def _retry_later(self, exc: Exception) -> None:
        assert self.runtime.dead_letters is not None
        if self.runtime.dead_letters.is_transient(exc):
            await asyncio.sleep(self.runtime.dead_letters.retry_backoff_s)

    async def entities(self, records: Sequence[Any]) -> int:
        """Apply a batch to the entities this replica owns; returns the events applied."""
        sink = self.runtime.dead_letters
        assert sink is not None
        events, observed, rows = [], [], []
        for record in records:
            try:
                event, meta = decode(record, self.runtime.naming)
            except ValueError as exc:  # pydantic ValidationError and InvalidEnvelope are ValueErrors
                await sink.dead_letter(record, exc)
                continue
            if not is_reported(event):
                continue
            if isinstance(event, ChecklistCompleted) and record.topic != self.rows_topic:
                rows += [(self.rows_topic, *row) for row in row_records(event, record.headers)]
                continue
            events.append(event)
            if record.topic != self.rows_topic or first_row(record):  # a checklist is observed once
                observed.append((len(events) - 1, meta))
        try:
            await self._send_all(rows)
            if not events:
                return 0
            async with self.entity_locks.holding(self.projector.entity_ids(events)):
                results, changes, entity_docs = await self.projector.fold_entities(events)
                await self._send_all([(self.changes_topic, key, value, {}) for key, value in change_records(changes)])
                await self.projector.save_entities(entity_docs)
        except Exception as exc:
            await self._retry_later(exc)
            raise
        for index, meta in observed:
            self.runtime.metrics.observe_applied(events[index].event_type, results[index], meta.time)
        return len(events)

    async def aggregates(self, records: Sequence[Any]) -> int:
        """Apply a batch of member changes to the aggregates this replica owns; returns how many."""
        sink = self.runtime.dead_letters
        assert sink is not None
        changes: Changes = defaultdict(dict)
        count = 0
        for record in records:
            try:
                agg_id, member, contribution = read_change(record)
            except ValueError as exc:
                await sink.dead_letter(record, exc)
                continue
            changes[agg_id][member] = contribution  # in the partition's order: the last one holds
            count += 1
        if not changes:
            return 0
        try:
            elsewhere = await self.projector.roll_up(
                changes, stays=lambda child, parent: keys.owner(child) == keys.owner(parent))
            await self._send_all([(self.changes_topic, key, value, {}) for key, value in change_records(elsewhere)])
        except Exception as exc:
            await self._retry_later(exc)
            raise
        return count
