"""Events → entity states → changed aggregate members → rolled-up aggregates: the pure fold.

Every source entity (a student's checklist row in a round ``cl|…``, a meeting ``mtg|…``, a student
``stu|…``) has one document: its merged state and the contributions it made (aggregate, member,
counters). ``fold_entities`` applies events to the stored entity documents and returns the new
documents and the aggregate members whose contribution changed; ``roll_up_level`` sets those members
on the loaded aggregates and returns each touched aggregate's totals as a member of its parent
(the next level). Nothing here reads or writes: the use cases (``handlers``) load the documents
these functions are given and write the ones they return.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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

#: aggregate id → member key → its contribution, or ``None``: the member is gone
Changes = dict[str, dict[str, Contribution | None]]

MEETING_EVENTS = (MeetingScheduled, MeetingRescheduled, MeetingCancelled, MeetingHeld)
SIS_EVENTS = (StudentUpserted, HoksUpdated, StudyRightStatus, AbsenceRecorded)
STUDENT_EVENTS = (*SIS_EVENTS, ReferralMade, ReferralAccepted, ReferralClosed, ReferralOverdue)
#: every event the report is computed from
REPORTED_EVENTS = (ChecklistCompleted, *MEETING_EVENTS, *STUDENT_EVENTS)


def is_reported(event: Any) -> bool:
    return isinstance(event, REPORTED_EVENTS)


def entity_ids_of(event: Any) -> list[str]:
    if isinstance(event, ChecklistCompleted):
        return [checklist_rows.entity_id(event, row) for row in event.rows]
    if isinstance(event, MEETING_EVENTS):
        return [meetings.entity_id(event)]
    if isinstance(event, STUDENT_EVENTS):
        return [students.entity_id(event)]
    return []


def entity_ids(events: Sequence[Any]) -> list[str]:
    """The entities a batch of events changes (sorted)."""
    return sorted({i for e in events for i in entity_ids_of(e)})


@dataclass
class _Entity:
    doc: dict[str, Any] | None
    state: dict[str, Any] | None
    changed: bool = False


def _apply(entities: dict[str, _Entity], event: Any) -> bool:
    changed = False
    if isinstance(event, ChecklistCompleted):
        for row in event.rows:
            entity = entities[checklist_rows.entity_id(event, row)]
            new = checklist_rows.apply(entity.state, event, row)
            if new is not None:
                entity.state, entity.changed, changed = new, True, True
        return changed
    entity = entities[entity_ids_of(event)[0]]
    new = (meetings.apply(entity.state, event) if isinstance(event, MEETING_EVENTS)
           else students.apply(entity.state, event))
    if new is not None:
        entity.state, entity.changed = new, True
        return True
    return False


def contributions(entity_id: str, state: dict[str, Any], rules: students.StudentRules) -> list[Contribution]:
    kind = entity_id.split(keys.SEP, 1)[0]
    if kind == "cl":
        found = checklist_rows.contributions(state)
    elif kind == "mtg":
        found = meetings.contributions(state)
    else:
        found = students.contributions(state, rules)
    return [c for c in found if c.counters]


@dataclass
class EntityFold:
    """What a batch of events did: per event whether it changed anything, the members it changed,
    the entity documents to write (aggregates first, these last)."""

    applied: list[bool] = field(default_factory=list)
    changes: Changes = field(default_factory=lambda: defaultdict(dict))
    entity_docs: list[dict[str, Any]] = field(default_factory=list)


def fold_entities(stored: Mapping[str, dict[str, Any]], events: Sequence[Any], rules: students.StudentRules,
                  wanted: Sequence[str] | None = None) -> EntityFold:
    """Apply ``events`` in order to the stored entity documents (``stored``: those of ``wanted`` =
    ``entity_ids(events)`` that exist). Stored documents are not changed (new ones are built)."""
    wanted = entity_ids(events) if wanted is None else wanted
    entities = {i: _Entity(stored.get(i), (stored.get(i) or {}).get("state")) for i in wanted}
    fold = EntityFold(applied=[_apply(entities, e) for e in events])
    for entity_id, entity in entities.items():
        if not entity.changed or entity.state is None:
            continue
        before = [Contribution.from_doc(c) for c in (entity.doc or {}).get("contrib", [])]
        after = contributions(entity_id, entity.state, rules)
        if before != after:
            for c in before:
                fold.changes[c.agg].setdefault(c.member, None)
            for c in after:
                fold.changes[c.agg][c.member] = c
        fold.entity_docs.append({"_id": entity_id, "state": entity.state, "contrib": [c.to_doc() for c in after]})
    return fold


@dataclass
class Level:
    """One level of a roll-up: aggregates to write or delete, and the members of their parents
    (``parents`` rolled up by the same writer, ``elsewhere`` by another one)."""

    to_save: list[dict[str, Any]] = field(default_factory=list)
    to_delete: list[str] = field(default_factory=list)
    parents: Changes = field(default_factory=lambda: defaultdict(dict))
    elsewhere: Changes = field(default_factory=lambda: defaultdict(dict))


#: whether a parent aggregate is rolled up by the writer of its child (``child, parent``)
Stays = Callable[[str, str], bool]


def everywhere(child: str, parent: str) -> bool:
    return True


def roll_up_level(loaded: Mapping[str, dict[str, Any]], changes: Changes, stays: Stays = everywhere) -> Level:
    """Set the changed members on the loaded aggregates (an aggregate that loses its last member is
    deleted) and carry each one's totals up as a member of its parent."""
    level = Level()
    for agg_id, members in changes.items():
        old = loaded.get(agg_id)
        new = rollup.with_members(old, agg_id, members)
        if not new["members"]:
            if old is not None:
                level.to_delete.append(agg_id)  # an empty aggregate is no aggregate
        elif new != old:
            level.to_save.append(new)
        parent = keys.parent_of(agg_id)
        if parent is not None:
            parent_id, member = parent
            (level.parents if stays(agg_id, parent_id) else level.elsewhere)[parent_id][member] = (
                Contribution(parent_id, member, keys.carried_up(parent_id, new["totals"]))
                if new["members"] else None)
    return level


def stays_with_owner(child: str, parent: str) -> bool:
    """A parent is rolled up by the writer of its child when both have one owner (a unit's
    aggregates); the global list ``G`` has its own (see ``keys.owner``)."""
    return keys.owner(child) == keys.owner(parent)
