"""Pre-aggregated group rosters: which students have been in a group, read by ``_id``.

FerretDB 1.24 scans the whole collection for any filter but an exact ``_id`` (``find({"group_id":
…})`` on ``sis_students``: ~450 ms at 300 students, seconds at a few thousand), so the meetings
service keeps ``group_rosters`` next to its SIS view: one document per group with the OIDs of every
student a SIS record has placed in it. ``RosterViews`` extends the shared ``SisViews`` (same
batch, same consumer) with one ``$set`` per touched group.

Entries are only added. A student who moved on stays listed in the old group; readers check each
student's own (version-guarded) SIS document, so a stale or late entry shows nobody wrongly, and
every group a student was ever placed in lists them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from hoks_shared.contracts.sis import StudentUpserted
from hoks_shared.sisviews.projection import BatchOutcome, SisViews, VersionCache, field_key
from hoks_shared.store.limits import WRITE_CHUNK

ROSTERS = "group_rosters"


def roster_updates(events: list[Any]) -> list[UpdateOne]:
    members: dict[str, dict[str, str]] = defaultdict(dict)
    for event in events:
        if isinstance(event, StudentUpserted):
            members[event.group_id][f"students.{field_key(event.student_oid)}"] = event.student_oid
    return [UpdateOne({"_id": group_id}, {"$set": fields}, upsert=True) for group_id, fields in members.items()]


class RosterViews(SisViews):
    """The shared SIS views plus the meetings service's group rosters."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], read_concurrency: int = 8,
                 cache: VersionCache | None = None) -> None:
        super().__init__(db, read_concurrency, cache)
        self.rosters = db[ROSTERS]

    async def apply(self, events: list[Any]) -> BatchOutcome:
        outcome = await super().apply(events)
        updates = roster_updates(events)
        for start in range(0, len(updates), WRITE_CHUNK):
            await self.rosters.bulk_write(updates[start:start + WRITE_CHUNK], ordered=False)
        return outcome
