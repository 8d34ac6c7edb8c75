"""The scheduler's meeting store on the real document store: a change is written with its event
through the Outbox seam (one document write, the relay woken after it) and the sequence guard
holds — a meeting inserted twice, or changed from a sequence it no longer has (even when another
writer moved it to the same next sequence), is not written and stages nothing; ``save`` leaves it
out of the ids written, ``save_one`` says so with ``StaleMeeting``. A settling request is held
once: a redelivery keeps the first arrival."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from hoks_scheduler.adapters.config_files import load_config
from hoks_scheduler.adapters.meeting_repository import MEETINGS, MongoMeetingRepository
from hoks_scheduler.domain.errors import StaleMeeting
from hoks_scheduler.domain.events import outgoing
from hoks_scheduler.domain.meeting import Meeting, cancelled, moved
from hoks_scheduler.domain.replanning import CANCELLED, RESCHEDULED, SCHEDULED, Change
from hoks_scheduler.domain.rounds import Seat
from hoks_shared.messaging.publishing import EventPublisher
from hoks_shared.store.outbox import OUTBOX
from hoks_shared.store.outbox_writes import Outbox
from hoks_shared.topics import TopicNaming
from hoks_testing import samples

pytestmark = pytest.mark.integration

CALENDAR = load_config().calendar_for("2026-2027")


class Woken:
    def __init__(self) -> None:
        self.ids: list[Any] = []

    def notify(self, collection=None, doc_id=None, entries=None) -> None:
        self.ids.append(doc_id)


def meeting(meeting_id: str, day: date = date(2026, 9, 15), slot: int = 1) -> Meeting:
    starts, ends = CALENDAR.slot_times(day, slot)
    return Meeting(meeting_id=meeting_id, kind="student", unit_id="unit-tech", academic_year="2026-2027",
                   theme="referral-follow-up", day=day, slot=slot, starts_at=starts, ends_at=ends,
                   seats=(Seat(samples.STUDENT, "student"), Seat(samples.COUNSELOR, "counselor")),
                   student_oid=samples.STUDENT, referral_id="ref-1", requested_at=samples.T0,
                   window=(date(2026, 9, 15), date(2026, 9, 28)))


@pytest.fixture
async def store(stack):
    client = AsyncMongoClient(stack.mongodb_url)
    db = client[f"it_scheduler_store_{uuid.uuid4().hex[:8]}"]
    woken = Woken()
    publisher = EventPublisher(None, TopicNaming(stack.prefix), source="/it")  # type: ignore[arg-type]
    yield MongoMeetingRepository(db, Outbox(db[MEETINGS], publisher.outgoing_entry, woken)), db[MEETINGS], woken
    await client.drop_database(db.name)
    await client.close()


async def test_changes_are_written_with_their_events_and_the_sequence_guard_holds(store):
    repo, collection, woken = store
    first = meeting("stu-ref-1")
    made = Change(SCHEDULED, first, "planned")
    assert await repo.save([made]) == ["stu-ref-1"]
    assert await repo.save([made]) == []  # inserted twice: the second is not written
    later = moved(first, CALENDAR, date(2026, 9, 16), 2)
    assert later.sequence == 1
    assert await repo.save([Change(RESCHEDULED, later, "slot-taken-by-earlier-request", 0)]) == ["stu-ref-1"]
    # another writer's change from sequence 0, which the meeting no longer has
    elsewhere = moved(first, CALENDAR, date(2026, 9, 17), 3)  # also sequence 1
    assert await repo.save([Change(RESCHEDULED, elsewhere, "staff-absent", 0)]) == []
    with pytest.raises(StaleMeeting):
        await repo.save_one(Change(CANCELLED, cancelled(first), "group-ended", 0))
    gone = cancelled(later)
    await repo.save_one(Change(CANCELLED, gone, "group-ended", 1))

    doc = await collection.find_one({"_id": "stu-ref-1"})
    assert (doc["sequence"], doc["status"], doc["day"]) == (2, "cancelled", "2026-09-16")
    expected = [outgoing(c).event_id for c in (made, Change(RESCHEDULED, later, "x", 0), Change(CANCELLED, gone, "x", 1))]
    assert [e["id"] for e in doc[OUTBOX]] == expected  # only what was written staged its event
    assert [e["body"]["event_type"] for e in doc[OUTBOX]] == ["meeting-scheduled", "meeting-rescheduled",
                                                             "meeting-cancelled"]
    assert (await repo.get("stu-ref-1")) == gone
    assert woken.ids.count("stu-ref-1") >= 3


async def test_a_pending_request_is_held_once_the_first_arrival_counts(store):
    """The settle window's store: a redelivered referral does not restart its window."""
    repo, _, _ = store
    await repo.hold_pending("stu-ref-1", {"referral": {"referral_id": "ref-1"}, "received_at": "2026-09-14T07:00:00"})
    await repo.hold_pending("stu-ref-1", {"referral": {"referral_id": "ref-1"}, "received_at": "2026-09-14T07:05:00"})
    assert await repo.pending_requests() == {
        "stu-ref-1": {"referral": {"referral_id": "ref-1"}, "received_at": "2026-09-14T07:00:00"}}
    await repo.forget_pending("stu-ref-1")
    assert await repo.pending_requests() == {}
