"""The use case that keeps the report current: a batch of events → entity states → aggregates.

For each batch: the touched entity documents are read by ``_id``; the events are applied to them
in order (each entity's merge rules make order and repeats irrelevant); what each entity now
contributes is compared with what it contributed before; the changed members are written into the
teacher/counselor aggregates, whose totals go up into the unit aggregates and from there into the
unit index and the global list. Aggregates are written first, entities last: a crash in between
makes the redelivered batch compute the same members again (setting a member is idempotent) and
push the totals up again, so nothing is counted twice or lost.

Single writer: each entity and each aggregate document is written by one consumer, one batch at
a time. One process can run the whole of it (``apply``: the replay, and the tests); the service
runs it in two stages, entities and aggregates, each partitioned over the replicas (``pipeline``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from hoks_reporting.domain import checklist_rows, keys, meetings, rollup, students
from hoks_reporting.domain.contribution import Contribution
from hoks_shared.contracts.meetings import (
    ChecklistCompleted,
    MeetingCancelled,
    MeetingHeld,
    MeetingRescheduled,
    MeetingScheduled,
)
from hoks_shared.contracts.referrals import ReferralAccepted, ReferralClosed, ReferralMade, ReferralOverdue
from hoks_shared.contracts.sis import AbsenceRecorded, HoksUpdated, StudentUpserted, StudyRightStatus
from hoks_shared.store.idempotent import ApplyResult

ENTITIES = "report_entities"
AGGREGATES = "report_aggregates"

#: aggregate id → member key → its contribution, or ``None``: the member is gone
Changes = dict[str, dict[str, Contribution | None]]

_MEETING = (MeetingScheduled, MeetingRescheduled, MeetingCancelled, MeetingHeld)
_STUDENT = (StudentUpserted, HoksUpdated, StudyRightStatus, AbsenceRecorded,
            ReferralMade, ReferralAccepted, ReferralClosed, ReferralOverdue)


class ReportStore(Protocol):
    async def load(self, collection: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]: ...

    async def save(self, collection: str, docs: Sequence[dict[str, Any]]) -> None: ...

    async def delete(self, collection: str, ids: Sequence[str]) -> None: ...


@dataclass
class _Entity:
    doc: dict[str, Any] | None
    state: dict[str, Any] | None
    changed: bool = False


def is_sis(event: Any) -> bool:
    return isinstance(event, (StudentUpserted, HoksUpdated, StudyRightStatus, AbsenceRecorded))


def is_reported(event: Any) -> bool:
    return isinstance(event, (ChecklistCompleted, *_MEETING, *_STUDENT))


class Projector:
    def __init__(self, store: ReportStore, rules: students.StudentRules | None = None) -> None:
        self.store = store
        self.rules = rules or students.StudentRules()

    # -- entities --------------------------------------------------------------------------
    @staticmethod
    def _entity_ids(event: Any) -> list[str]:
        if isinstance(event, ChecklistCompleted):
            return [checklist_rows.entity_id(event, row) for row in event.rows]
        if isinstance(event, _MEETING):
            return [meetings.entity_id(event)]
        if isinstance(event, _STUDENT):
            return [students.entity_id(event)]
        return []

    def entity_ids(self, events: Sequence[Any]) -> list[str]:
        """The entities a batch of events changes (sorted)."""
        return sorted({i for e in events for i in self._entity_ids(e)})

    def _apply(self, entities: dict[str, _Entity], event: Any) -> bool:
        changed = False
        if isinstance(event, ChecklistCompleted):
            for row in event.rows:
                entity = entities[checklist_rows.entity_id(event, row)]
                new = checklist_rows.apply(entity.state, event, row)
                if new is not None:
                    entity.state, entity.changed, changed = new, True, True
            return changed
        entity = entities[self._entity_ids(event)[0]]
        new = (meetings.apply(entity.state, event) if isinstance(event, _MEETING)
               else students.apply(entity.state, event))
        if new is not None:
            entity.state, entity.changed = new, True
            return True
        return False

    def contributions(self, entity_id: str, state: dict[str, Any]) -> list[Contribution]:
        kind = entity_id.split(keys.SEP, 1)[0]
        found = {"cl": checklist_rows.contributions, "mtg": meetings.contributions,
                 "stu": lambda s: students.contributions(s, self.rules)}[kind](state)
        return [c for c in found if c.counters]

    # -- the batch -------------------------------------------------------------------------
    async def apply(self, events: Sequence[Any]) -> list[ApplyResult]:
        """Apply events in order; the result of each (applied, or stale: it changed nothing)."""
        results, changes, entity_docs = await self.fold_entities(events)
        await self.roll_up(changes)
        await self.save_entities(entity_docs)
        return results

    async def fold_entities(self, events: Sequence[Any]) -> tuple[list[ApplyResult], Changes, list[dict[str, Any]]]:
        """Events → the touched entities' new documents and the aggregate members they change
        (nothing written yet: the caller writes the aggregates first, the entities last)."""
        wanted = self.entity_ids(events)
        stored = await self.store.load(ENTITIES, wanted) if wanted else {}
        entities = {i: _Entity(stored.get(i), (stored.get(i) or {}).get("state")) for i in wanted}
        results = [ApplyResult.APPLIED if self._apply(entities, e) else ApplyResult.STALE for e in events]

        changes: Changes = defaultdict(dict)
        entity_docs = []
        for entity_id, entity in entities.items():
            if not entity.changed or entity.state is None:
                continue
            before = [Contribution.from_doc(c) for c in (entity.doc or {}).get("contrib", [])]
            after = self.contributions(entity_id, entity.state)
            if before != after:
                for c in before:
                    changes[c.agg].setdefault(c.member, None)
                for c in after:
                    changes[c.agg][c.member] = c
            entity_docs.append({"_id": entity_id, "state": entity.state, "contrib": [c.to_doc() for c in after]})
        return results, changes, entity_docs

    async def save_entities(self, entity_docs: list[dict[str, Any]]) -> None:
        if entity_docs:
            await self.store.save(ENTITIES, entity_docs)

    async def roll_up(self, changes: Changes, *, stays: Callable[[str, str], bool] = lambda child, parent: True
                      ) -> Changes:
        """Write changed members, then carry each touched aggregate's totals up a level.

        ``stays(child, parent)`` says whether a parent is rolled up here; the members of the
        parents that are not are returned (another writer owns them, see ``pipeline``)."""
        to_save: list[dict[str, Any]] = []
        to_delete: list[str] = []
        elsewhere: Changes = defaultdict(dict)
        while changes:
            loaded = await self.store.load(AGGREGATES, sorted(changes))
            parents: Changes = defaultdict(dict)
            for agg_id, members in changes.items():
                old = loaded.get(agg_id)
                new = rollup.with_members(old, agg_id, members)
                if not new["members"]:
                    if old is not None:
                        to_delete.append(agg_id)  # an empty aggregate is no aggregate
                elif new != old:
                    to_save.append(new)
                parent = keys.parent_of(agg_id)
                if parent is not None:
                    parent_id, member = parent
                    (parents if stays(agg_id, parent_id) else elsewhere)[parent_id][member] = (
                        Contribution(parent_id, member, keys.carried_up(parent_id, new["totals"]))
                        if new["members"] else None)
            changes = parents
        if to_save:
            await self.store.save(AGGREGATES, to_save)
        if to_delete:
            await self.store.delete(AGGREGATES, to_delete)
        return elsewhere
