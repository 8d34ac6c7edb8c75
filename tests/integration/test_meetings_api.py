"""The meetings API on the real document store and Kafka: a student-level meeting is completed
only with the student present, records the agreed HOKS update and actions, and emits
``meeting-held`` once through the outbox."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from hoks_meetings.main import build as build_meetings
from hoks_shared.contracts.envelope import envelope_for
from hoks_testing import samples
from hoks_testing.auth import auth_headers
from hoks_shared.topics import MEETING_OUTCOMES, MEETING_SCHEDULE
from tests.integration.conftest import eventually, producer, read_topic, running, send

pytestmark = pytest.mark.integration


async def test_a_student_meeting_through_the_api_on_the_real_stack(stack, monkeypatch):
    monkeypatch.setenv("HOKS_AUTH_MODE", "dev")
    student = samples.oid()
    now = datetime.now(UTC)
    meeting = samples.meeting_scheduled(
        meeting_id=f"mtg-s-{uuid.uuid4().hex[:10]}", kind="student", group_id=None, student_oid=student,
        round=None, theme="student-hoks-update", starts_at=now, ends_at=now + timedelta(minutes=30),
        participants=[{"person_oid": samples.COUNSELOR, "role": "counselor"},
                      {"person_oid": samples.TEACHER, "role": "responsible-teacher"},
                      {"person_oid": student, "role": "student"}])
    counselor = auth_headers("counselor", staff_oid=samples.COUNSELOR, unit_ids=["unit-tech"])
    url = f"/meetings/{meeting.meeting_id}"
    async with running(build_meetings, stack.settings("meetings")) as rt, producer(stack) as p:
        meta = envelope_for(meeting, source="/it", event_id=str(uuid.uuid4()))
        await send(p, stack.naming.name(MEETING_SCHEDULE), meeting.model_dump_json().encode(),
                   meeting.partition_key(), meta.to_headers())
        await eventually(lambda: rt.db.meetings.find_one({"_id": meeting.meeting_id}), what="meeting stored")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(rt.http), base_url="http://svc") as http:
            due = (now + timedelta(days=14)).date().isoformat()
            record = await http.put(f"{url}/student-record", headers=counselor, json={
                "hoks_update": "schedule-changed",
                "actions": [{"action_code": "catch-up-plan", "owner_oid": samples.TEACHER, "due_date": due}]})
            assert record.status_code == 200, record.text
            absent = await http.post(f"{url}/complete", headers=counselor)
            assert absent.status_code == 422 and "presence" in absent.json()["detail"]
            present = await http.put(f"{url}/attendance", headers=counselor,
                                     json={"attendance": [{"person_oid": student, "present": True}]})
            assert present.status_code == 200
            free_text = await http.put(f"{url}/student-record", headers=counselor,
                                       json={"hoks_update": "no-change", "notes": "long talk"})
            assert free_text.status_code == 422
            done, again = await http.post(f"{url}/complete", headers=counselor), \
                await http.post(f"{url}/complete", headers=counselor)
            assert done.status_code == 200, done.text
            assert again.status_code == 409
            detail = (await http.get(url, headers=counselor)).json()
            assert detail["status"] == "held" and detail["can_edit"] is False
            assert detail["student_record"]["actions"][0]["due_date"] == due

        def held(records):
            return [json.loads(r.value) for r in records
                    if json.loads(r.value).get("meeting_id") == meeting.meeting_id]

        records = held(await read_topic(stack, stack.naming.name(MEETING_OUTCOMES), lambda rs: len(held(rs)) >= 1))
        await eventually(lambda: rt.db.meetings.find_one({"_id": meeting.meeting_id, "_outbox.0": {"$exists": False}}),
                         what="outbox drained")
        assert len(held(await read_topic(stack, stack.naming.name(MEETING_OUTCOMES), lambda rs: False,
                                         timeout_s=2))) == 1
        audits = await rt.db.audit_log.count_documents({"resource_id": meeting.meeting_id})
    body = records[0]
    assert body["event_type"] == "meeting-held"
    assert body["hoks_update"] == "schedule-changed"
    assert body["actions"] == [{"action_code": "catch-up-plan", "owner_oid": samples.TEACHER, "due_date": due}]
    assert {a["person_oid"]: a["present"] for a in body["attendance"]}[student] is True
    assert audits >= 4
