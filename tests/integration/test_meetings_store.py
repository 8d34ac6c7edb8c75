"""The meetings service's read models on the real document store: group rosters kept beside the
SIS view, and meetings listed per person and unit, both read by ``_id`` only."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from pymongo import AsyncMongoClient

from hoks_meetings.adapters.repository import MongoMeetingRepository
from hoks_meetings.adapters.rosters import RosterViews
from hoks_meetings.adapters.student_view import MongoStudentDirectory
from hoks_meetings.domain.meeting_record import apply_change, from_scheduled
from hoks_shared.contracts.meetings import MeetingRescheduled
from hoks_shared.contracts.sis import StudentUpserted
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
    meetings = MongoMeetingRepository(db)
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
