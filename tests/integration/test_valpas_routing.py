"""Routing converges on the real Kafka broker and FerretDB: the study-right event arrives before the
student's SIS record; the Valpas task waits (unpublished, in no unit) and is routed to the unit's
counselor as soon as the record arrives (the SIS consumer's hook; the periodic pass is set to an
hour here so only the record can route it), then ``referral-made`` goes out once, in the unit."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from hoks_referrals.main import build as build_referrals
from hoks_referrals.adapters.settings import ReferralSettings
from hoks_shared.contracts.sis import StaffUpserted, StudentUpserted, StudyRightStatus
from hoks_testing import samples
from hoks_shared.topics import REFERRALS, SIS_STAFF, SIS_STUDENTS, SIS_STUDY_RIGHTS
from tests.integration.conftest import eventually, producer, read_topic, running
from tests.integration.test_referrals_flow import UNIT, publish, referral_events

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def dev_auth(monkeypatch):
    monkeypatch.setenv("HOKS_AUTH_MODE", "dev")


async def test_a_valpas_task_from_before_the_students_record_is_routed_within_a_minute_of_its_arrival(stack):
    student, counselor = samples.oid(), samples.oid()
    today = datetime.now(UTC).date()
    settings = ReferralSettings(overdue_check_seconds=3600, reroute_seconds=3600)
    async with running(lambda s: build_referrals(s, settings), stack.settings("referrals")) as rt, \
            producer(stack) as p:
        await publish(p, stack, SIS_STAFF, StaffUpserted(source_version=1, staff_oid=counselor, display_name="Olli O",
                                                         roles=["counselor"], unit_ids=[UNIT]))
        await eventually(lambda: rt.db.sis_staff.find_one({"_id": counselor}), what="staff view filled")
        await publish(p, stack, SIS_STUDY_RIGHTS, StudyRightStatus(
            source_version=1, study_right_oid=samples.oid(15), student_oid=student,
            compulsory_education_ends=date(2027, 12, 31),
            periods=[{"start": date(2025, 8, 11), "state": "lasna"},
                     {"start": today - timedelta(days=1), "state": "valiaikaisestikeskeytynyt"}]))
        waiting = await eventually(lambda: rt.db.referrals.find_one({"student_oid": student}), what="Valpas task")
        assert (waiting["unit_id"], waiting.get("assignee_oid")) == ("unassigned", None)
        before = referral_events(student)(await read_topic(stack, stack.naming.name(REFERRALS), lambda rs: False,
                                                           timeout_s=3))
        assert before == []  # nothing public while no unit's staff can see it

        await publish(p, stack, SIS_STUDENTS, StudentUpserted(
            source_version=1, student_oid=student, group_id="ITG9", study_type="pt", unit_id=UNIT,
            responsible_teacher_oid=samples.oid(), display_name="Myöhä Opiskelija"))
        arrived = time.monotonic()
        routed = await eventually(
            lambda: rt.db.referrals.find_one({"student_oid": student, "assignee_oid": counselor}),
            timeout_s=60, what="the task routed to the unit's counselor within a minute of the record")
        print(f"\nValpas task routed {time.monotonic() - arrived:.1f} s after the student's record was published")
        events = referral_events(student)(await read_topic(
            stack, stack.naming.name(REFERRALS),
            lambda rs: any(r.value and student.encode() in r.value for r in rs), timeout_s=20))
    assert (routed["unit_id"], routed["routed_by"]) == (UNIT, "role")
    assert [e["event_type"] for e in events] == ["referral-made"]
    assert (events[0]["unit_id"], events[0]["assignee_oid"]) == (UNIT, counselor)
