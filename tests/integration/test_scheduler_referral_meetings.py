"""The scheduler on the real Kafka broker and document store: a ``referral-made`` in becomes a
student-level ``meeting-scheduled`` out (through the outbox), other referral events are skipped
without dead-lettering, and the same referral twice makes one meeting."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from hoks_scheduler.main import build as build_scheduler
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.meetings import MeetingScheduled
from hoks_shared.contracts.referrals import ReferralAccepted
from hoks_shared.contracts.sis import StudentUpserted
from hoks_testing import samples
from hoks_shared.topics import MEETING_SCHEDULE, REFERRALS, SIS_GROUPS, SIS_STUDENTS
from tests.integration.conftest import eventually, producer, read_topic, running, send

pytestmark = pytest.mark.integration

SPECIALIST = "1.2.246.562.24.20000000009"


def _tenth_school_day_after(day: date) -> date:
    """The limit from the default configuration (10 school days), across a year boundary too."""
    from hoks_scheduler.adapters.config_files import load_config
    from hoks_scheduler.domain.calendar import academic_year_of

    config = load_config()
    days = []
    year = academic_year_of(day)
    while len(days) < 10:
        days += [d for d in config.calendar_for(year).school_days if d > day]
        first = int(year[:4]) + 1
        year = f"{first}-{first + 1}"
    return days[9]


def body_of(record) -> dict:
    """A record's JSON body; other tests in the run put deliberately broken records on topics."""
    try:
        value = json.loads(record.value)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def wire(event, event_id=None):
    meta = envelope_for(event, source="/it", event_id=event_id or str(uuid.uuid4()))
    return event.model_dump_json().encode(), event.partition_key(), meta.to_headers()


async def test_referral_made_in_becomes_a_student_level_meeting_scheduled_out(stack):
    marker = uuid.uuid4().hex[:10]
    student = f"1.2.246.562.24.{int(marker, 16) % 10**11:011d}"
    group_id = f"TVO{marker}"
    group = samples.group_upserted(group_id=group_id, code=group_id)
    pupil = StudentUpserted(source_version=1, student_oid=student, group_id=group_id, study_type="pt",
                            responsible_teacher_oid=samples.TEACHER, unit_id="unit-tech")
    made_at = datetime.now(UTC)
    referral = samples.referral_made(referral_id=f"ref-{marker}", student_oid=student, assignee_oid=SPECIALIST,
                                     made_at=made_at)
    accepted = ReferralAccepted(referral_id=f"ref-{marker}", student_oid=student, accepted_by_oid=SPECIALIST,
                                accepted_at=made_at)
    future_type = json.dumps({"event_type": "referral-reassigned", "referral_id": f"ref-{marker}",
                              "student_oid": student}).encode()
    async with running(build_scheduler, stack.settings("scheduler")) as rt, producer(stack) as p:
        await send(p, stack.naming.name(SIS_GROUPS), *wire(group))
        await send(p, stack.naming.name(SIS_STUDENTS), *wire(pupil))
        await eventually(lambda: rt.db.sis_students.find_one({"_id": student, "group_id": group_id}),
                         what="the student in the scheduler's SIS view")
        topic = stack.naming.name(REFERRALS)
        value, key, headers = wire(referral)
        await send(p, topic, *wire(accepted))
        await send(p, topic, future_type, student, {**headers, "ce_id": f"future-{marker}",
                                                     "ce_type": "fi.hoks.followup.referral-reassigned"})
        await send(p, topic, value, key, headers)
        await send(p, topic, value, key, {**headers, "ce_id": f"again-{marker}"})  # redelivered, new id

        def ours(records):
            return [r for r in records if body_of(r).get("student_oid") == student]

        out = ours(await read_topic(stack, stack.naming.name(MEETING_SCHEDULE), lambda rs: len(ours(rs)) >= 1))
        await eventually(lambda: rt.db.meetings.find_one({"_id": f"stu-ref-{marker}", "_outbox.0": {"$exists": False}}),
                         what="the outbox drained")
        dead = await read_topic(stack, stack.naming.dlq(REFERRALS),
                                lambda rs: any(body_of(r).get("student_oid") == student for r in rs),
                                timeout_s=3)
        assert await rt.db.meetings.count_documents({"student_oid": student}) == 1
    assert len(out) == 1
    event = MeetingScheduled.model_validate_json(out[0].value)
    assert event.meeting_id == f"stu-ref-{marker}" and event.kind == "student"
    assert event.referral_id == referral.referral_id and event.sequence == 0
    roles = {p.person_oid: p.role for p in event.participants}
    assert roles[student] == "student"
    assert roles[SPECIALIST] == "specialist"
    assert roles[samples.COUNSELOR] == "counselor" and roles[samples.TEACHER] == "responsible-teacher"
    made_on = made_at.astimezone(ZoneInfo("Europe/Helsinki")).date()
    limit = _tenth_school_day_after(made_on)
    assert made_on < event.starts_at.date() <= limit
    assert out[0].key == student.encode()
    assert not [r for r in dead if body_of(r).get("student_oid") == student]
