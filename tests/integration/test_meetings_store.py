"""The meetings service's store adapters on the real document store: group rosters kept beside the
SIS view, meetings listed per person and unit (both read by ``_id`` only), and completion written
through the outbox seam."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient

from hoks_meetings.adapters.repository import MEETINGS, MongoMeetingRepository
from hoks_meetings.adapters.rosters import RosterViews
from hoks_meetings.adapters.student_view import MongoStudentDirectory
from hoks_meetings.domain.checklist import MeetingWork
from hoks_meetings.domain.outcome_events import completion_events
from hoks_meetings.domain.meeting_record import apply_change, from_scheduled
from hoks_shared.contracts.meetings import MeetingRescheduled
from hoks_shared.contracts.sis import StudentUpserted
from hoks_shared.store.outbox import OUTBOX
from hoks_shared.store.outbox_writes import Outbox
from hoks_testing import samples

pytestmark = pytest.mark.integration


@pytest.fixture
async def db(stack):
    client = AsyncMongoClient(stack.mongodb_url, tz_aware=True)
    database = client[f"it_meetings_store_{uuid.uuid4().hex[:8]}"]
    yield database
    await client.drop_database(database.name)
    await client.close()


def student(oid, group, version, teacher=samples.TEACHER, active=True):
    return StudentUpserted(source_version=version, student_oid=oid, group_id=group, study_type="pt",
                           responsible_teacher_oid=teacher, unit_id="unit-tech", display_name=f"S {oid[-3:]}",
                           active=active)


async def test_rosters_follow_students_between_groups_and_teachers(db):
    views, directory = RosterViews(db), MongoStudentDirectory(db)
    a, b, c, d = (samples.oid() for _ in range(4))
    other_teacher = "1.2.246.562.24.20000000099"
    await views.apply([student(a, "GA", 1), student(b, "GA", 1), student(c, "GA", 1, teacher=other_teacher),
                       student(d, "GA", 1, active=False)])
    assert [s["_id"] for s in await directory.roster("GA", samples.TEACHER)] == sorted([a, b])
    await views.apply([student(b, "GB", 2)])  # moved
    await views.apply([student(b, "GA", 1)])  # a late, older record changes nothing
    assert [s["_id"] for s in await directory.roster("GA", samples.TEACHER)] == [a]
    assert [s["_id"] for s in await directory.roster("GB", samples.TEACHER)] == [b]
    assert await directory.roster("GX", None) == []


async def test_meetings_are_listed_per_participant_and_unit(db):
    # no relay here: only calendar records are written (nothing is staged)
    meetings = MongoMeetingRepository(db, Outbox(db[MEETINGS], to_entry=lambda outgoing: {}, wake=None))
    scheduled = samples.meeting_scheduled(meeting_id=f"mtg-{uuid.uuid4().hex[:8]}")
    record = from_scheduled(scheduled)
    await meetings.save(record, "e1")
    since = scheduled.starts_at - timedelta(hours=1)
    assert [m.meeting_id for m in await meetings.for_person(samples.SPECIAL_NEEDS, since)] == [record.meeting_id]
    assert [m.meeting_id for m in await meetings.for_units({"unit-tech"}, since)] == [record.meeting_id]
    assert await meetings.for_units({"unit-arts"}, since) == []
    assert await meetings.for_person(samples.COUNSELOR, scheduled.starts_at + timedelta(hours=1)) == []
    moved = MeetingRescheduled(
        meeting_id=record.meeting_id, kind="group", unit_id="unit-tech", group_id="TVO24A",
        starts_at=scheduled.starts_at + timedelta(days=1), ends_at=scheduled.ends_at + timedelta(days=1),
        participants=scheduled.participants[:2], reason_code="staff-absent", sequence=1)
    await meetings.save(apply_change(record, moved), "e2")
    assert await meetings.for_person(samples.SPECIAL_NEEDS, since) == []  # taken off the meeting
    assert [m.starts_at for m in await meetings.for_person(samples.COUNSELOR, since)] == [moved.starts_at]


class RecordingRelay:
    """Stands in for the relay the ``Outbox`` wakes: which document was said to hold entries."""

    def __init__(self) -> None:
        self.woken: list[tuple[str | None, object]] = []

    def notify(self, collection=None, doc_id=None, entries=None) -> None:
        self.woken.append((collection, doc_id))


async def test_completion_stages_its_events_in_the_same_write_once_and_wakes_the_relay(db):
    relay = RecordingRelay()
    outbox = Outbox(db[MEETINGS], to_entry=lambda o: {"id": o.event_id, "type": o.event.event_type}, wake=relay)
    meetings = MongoMeetingRepository(db, outbox)
    record = from_scheduled(samples.meeting_scheduled(meeting_id=f"mtg-{uuid.uuid4().hex[:8]}"))
    await meetings.save(record, "e1")
    now = datetime(2026, 9, 14, 9, 30, tzinfo=UTC)
    events = completion_events(record, MeetingWork(), [], responsible_teacher_oid=samples.TEACHER,
                               completed_by=samples.COUNSELOR, completed_at=now, zone=UTC)
    assert await meetings.complete(record.meeting_id, samples.COUNSELOR, now, events) is True
    assert await meetings.complete(record.meeting_id, samples.COUNSELOR, now, events) is False  # held already
    doc = await db[MEETINGS].find_one({"_id": record.meeting_id})
    assert doc["status"] == "held" and doc["completed_by"] == samples.COUNSELOR
    assert doc[OUTBOX] == [{"id": events[0].event_id, "type": "meeting-held"}]
    assert relay.woken == [(MEETINGS, record.meeting_id)]  # after the write, once
    with pytest.raises(ValueError):
        MongoMeetingRepository(db, Outbox(db["referrals"], to_entry=lambda o: {}, wake=None))
