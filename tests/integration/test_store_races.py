"""Two writers of one document on the real stack: nothing lost, nothing published twice.

- Hundreds of "accept and close" clicks on referrals while the outbox relay removes published
  entries from the same documents and the SLA pass flags them overdue: every click's state change
  is stored, and each change is on the topic exactly once (distinct CloudEvents ids per referral
  and event type).
- Every row of one meeting's checklist saved at the same moment: every row is kept, and the
  completed checklist carries them all in one ``checklist-completed``.

On FerretDB without the atomic-write front, the first lost closes (stored ``accepted`` after an
answer of 200 "closed") and rows (saves of one meeting document overwrite each other).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from hoks_meetings.main import build as build_meetings
from hoks_referrals.main import build as build_referrals
from hoks_referrals.adapters.settings import ReferralSettings
from hoks_shared.contracts.sis import StaffUpserted, StudentUpserted
from hoks_testing import samples
from hoks_testing.auth import auth_headers
from hoks_shared.topics import MEETING_OUTCOMES, MEETING_SCHEDULE, REFERRALS, SIS_STAFF, SIS_STUDENTS
from tests.integration.conftest import eventually, producer, read_topic, running
from tests.integration.test_referrals_flow import publish

pytestmark = pytest.mark.integration

REFERRALS_N = 200
ROWS_PER_CHECKLIST = 50
UNIT = "unit-race"


@pytest.fixture(autouse=True)
def dev_auth(monkeypatch):
    monkeypatch.setenv("HOKS_AUTH_MODE", "dev")


def _header(record, name: str) -> str | None:  # noqa: ANN001
    return next((v.decode() for k, v in record.headers if k == name), None)


async def test_accept_and_close_racing_the_relay_and_the_sla_pass_loses_nothing(stack):
    specialist, counselor, teacher = (samples.oid() for _ in range(3))
    students = [samples.oid() for _ in range(REFERRALS_N)]
    # made a month ago: every referral is past its SLA day, so the SLA pass writes them all too
    made_at = datetime.now(UTC) - timedelta(days=30)
    settings = ReferralSettings(overdue_check_seconds=0.2)
    async with running(lambda s: build_referrals(s, settings), stack.settings("referrals")) as rt, \
            producer(stack) as p:
        await publish(p, stack, SIS_STAFF, StaffUpserted(
            source_version=1, staff_oid=specialist, display_name="Erja Erityis",
            roles=["special-needs-teacher"], unit_ids=[UNIT]))
        for student in students:
            await publish(p, stack, SIS_STUDENTS, StudentUpserted(
                source_version=1, student_oid=student, group_id="RACE1", study_type="pt",
                responsible_teacher_oid=teacher, unit_id=UNIT, display_name="Race Student"))
        await eventually(lambda: rt.db.sis_staff.find_one({"_id": specialist}), what="staff view")
        await eventually(lambda: _count(rt.db.sis_students, {"group_id": "RACE1"}, REFERRALS_N), what="students view")
        for start in range(0, REFERRALS_N, ROWS_PER_CHECKLIST):
            await publish(p, stack, MEETING_OUTCOMES, samples.checklist_completed(
                meeting_id=f"mtg-race-{uuid.uuid4().hex[:10]}", unit_id=UNIT, group_id="RACE1",
                responsible_teacher_oid=teacher, counselor_oid=counselor, completed_by_oid=counselor,
                completed_at=made_at,
                rows=[samples.checklist_row(s, outcome="referral",
                                            referral={"target": "special-needs-teacher", "reason_code": "study-skills"})
                      for s in students[start:start + ROWS_PER_CHECKLIST]]))
        await eventually(lambda: _count(rt.db.referrals, {"student_oid": {"$in": students}}, REFERRALS_N),
                         timeout_s=60, what="every referral made")
        ids = {d["_id"]: d["student_oid"] async for d in rt.db.referrals.find({"student_oid": {"$in": students}})}

        specialist_h = auth_headers("special-needs-teacher", staff_oid=specialist, unit_ids=[UNIT])
        async with httpx.AsyncClient(transport=httpx.ASGITransport(rt.http), base_url="http://svc") as http:
            answers = await asyncio.gather(*(
                http.post(f"/referrals/{rid}/close", headers=specialist_h,
                          json={"outcome_code": "hoks-updated", "accept_first": True}) for rid in ids))
        assert [a.status_code for a in answers if a.status_code != 200] == [], answers[0].text
        assert {a.json()["status"] for a in answers} == {"closed"}

        # every click is stored (the SLA pass and the relay kept writing the same documents)
        stored = {d["_id"]: d async for d in rt.db.referrals.find({"_id": {"$in": list(ids)}})}
        assert sorted({d["status"] for d in stored.values()}) == ["closed"]
        assert {d["outcome_code"] for d in stored.values()} == {"hoks-updated"}
        await eventually(lambda: _count(rt.db.referrals, {"_id": {"$in": list(ids)}, "_outbox.0": {"$exists": False}},
                                        REFERRALS_N), timeout_s=60, what="every outbox drained")
        left = [d async for d in rt.db.referrals.find({"_id": {"$in": list(ids)}, "_outbox.0": {"$exists": True}})]
        assert left == []

        def by_referral(records):
            seen: dict[tuple[str, str], set[str]] = defaultdict(set)
            for r in records:
                body = json.loads(r.value)
                if body.get("referral_id") in ids:
                    seen[(body["referral_id"], body["event_type"])].add(_header(r, "ce_id"))
            return seen

        def complete(records):
            got = by_referral(records)
            return all((rid, t) in got for rid in ids for t in ("referral-made", "referral-accepted", "referral-closed"))

        seen = by_referral(await read_topic(stack, stack.naming.name(REFERRALS), complete, timeout_s=60))
    for rid in ids:
        for event_type in ("referral-made", "referral-accepted", "referral-closed"):
            assert len(seen[(rid, event_type)]) == 1, (rid, event_type, seen[(rid, event_type)])
        # overdue: flagged at most once, and only where it is stored so
        flagged = seen.get((rid, "referral-overdue"), set())
        assert len(flagged) == (1 if stored[rid].get("overdue") else 0), (rid, flagged, stored[rid].get("overdue"))


async def test_every_row_of_one_checklist_saved_at_once_is_kept(stack):
    group, counselor, teacher = f"RACE{uuid.uuid4().hex[:6]}", samples.oid(), samples.oid()
    students = [samples.oid() for _ in range(40)]
    now = datetime.now(UTC)
    meeting = samples.meeting_scheduled(
        meeting_id=f"mtg-race-{uuid.uuid4().hex[:10]}", unit_id=UNIT, group_id=group,
        responsible_teacher_oid=teacher, starts_at=now - timedelta(hours=1), ends_at=now - timedelta(minutes=15),
        participants=[{"person_oid": counselor, "role": "counselor"},
                      {"person_oid": teacher, "role": "responsible-teacher"}])
    async with running(build_meetings, stack.settings("meetings")) as rt, producer(stack) as p:
        for student in students:
            await publish(p, stack, SIS_STUDENTS, StudentUpserted(
                source_version=1, student_oid=student, group_id=group, study_type="pt",
                responsible_teacher_oid=teacher, unit_id=UNIT, display_name="Race Student"))
        await publish(p, stack, MEETING_SCHEDULE, meeting)
        await eventually(lambda: rt.db.meetings.find_one({"_id": meeting.meeting_id}), what="meeting stored")
        await eventually(lambda: _count(rt.db.sis_students, {"group_id": group}, len(students)), what="students view")
        h = auth_headers("counselor", staff_oid=counselor, unit_ids=[UNIT])
        row = {"hoks_checked": True, "measures_taken": True, "committed": True, "progressing": True,
               "outcome": "no-action"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(rt.http), base_url="http://svc") as http:
            url = f"/meetings/{meeting.meeting_id}"
            saves = await asyncio.gather(*(http.put(f"{url}/checklist/{s}", headers=h, json=row) for s in students))
            assert [s.status_code for s in saves] == [200] * len(students), saves[0].text
            done = await http.post(f"{url}/complete", headers=h)
            assert done.status_code == 200, done.text

        def completed(records):
            return [r for r in records if json.loads(r.value).get("meeting_id") == meeting.meeting_id
                    and json.loads(r.value).get("event_type") == "checklist-completed"]

        records = completed(await read_topic(stack, stack.naming.name(MEETING_OUTCOMES), completed, timeout_s=60))
    assert len({_header(r, "ce_id") for r in records}) == 1
    assert sorted(r["student_oid"] for r in json.loads(records[0].value)["rows"]) == sorted(students)


async def _count(collection, query, expected: int) -> bool:  # noqa: ANN001
    return await collection.count_documents(query) >= expected
