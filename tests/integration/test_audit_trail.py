"""The audit trail of an end-to-end scenario on the real stack: a counselor opens a student-level
meeting, records the agreed HOKS update and the student's presence, and completes it; a teacher
who is not in the meeting is refused. Every read and change is on the audit topic (and stored),
with who, what, when and why — and nothing but ids."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from hoks_meetings.main import build as build_meetings
from hoks_shared.contracts.audit import AuditRecorded
from hoks_shared.contracts.envelope import EventMeta, envelope_for
from hoks_shared.privacy.minimisation import payload_violations
from hoks_testing import samples
from hoks_testing.auth import auth_headers
from hoks_shared.topics import AUDIT, MEETING_SCHEDULE
from tests.integration.conftest import Stack, eventually, producer, read_topic, running, send

pytestmark = pytest.mark.integration


async def test_the_audit_trail_of_a_student_meeting(stack: Stack) -> None:
    student, outsider = samples.oid(), samples.oid()
    now = datetime.now(UTC)
    meeting = samples.meeting_scheduled(
        meeting_id=f"mtg-audit-{uuid.uuid4().hex[:10]}", kind="student", group_id=None, student_oid=student,
        round=None, theme="student-hoks-update", starts_at=now, ends_at=now + timedelta(minutes=30),
        participants=[{"person_oid": samples.COUNSELOR, "role": "counselor"},
                      {"person_oid": samples.TEACHER, "role": "responsible-teacher"},
                      {"person_oid": student, "role": "student"}])
    counselor = auth_headers("counselor", staff_oid=samples.COUNSELOR, unit_ids=["unit-tech"])
    stranger = auth_headers("responsible-teacher", staff_oid=outsider, unit_ids=["unit-tech"])
    url = f"/meetings/{meeting.meeting_id}"
    started = datetime.now(UTC)
    async with running(build_meetings, stack.settings("meetings")) as rt, producer(stack) as p:
        meta = envelope_for(meeting, source="/it", event_id=str(uuid.uuid4()))
        await send(p, stack.naming.name(MEETING_SCHEDULE), meeting.model_dump_json().encode(),
                   meeting.partition_key(), meta.to_headers())
        await eventually(lambda: rt.db.meetings.find_one({"_id": meeting.meeting_id}), what="meeting stored")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(rt.http), base_url="http://svc") as http:
            assert (await http.get(url, headers=stranger)).status_code == 404
            assert (await http.get(url, headers=counselor)).status_code == 200
            assert (await http.put(f"{url}/student-record", headers=counselor,
                                   json={"hoks_update": "schedule-changed", "actions": []})).status_code == 200
            assert (await http.put(f"{url}/attendance", headers=counselor,
                                   json={"attendance": [{"person_oid": student, "present": True}]})).status_code == 200
            assert (await http.post(f"{url}/complete", headers=counselor)).status_code == 200

        def mine(records):  # noqa: ANN001, ANN202
            return [(EventMeta.from_headers({k: v.decode() for k, v in r.headers}), json.loads(r.value))
                    for r in records if json.loads(r.value).get("resource_id") == meeting.meeting_id]

        trail = mine(await read_topic(stack, stack.naming.name(AUDIT), lambda rs: len(mine(rs)) >= 4))
        stored = await eventually(
            lambda: rt.db.audit_log.count_documents({"resource_id": meeting.meeting_id, "_outbox.0": {"$exists": False}}),
            what="audit records published")

    # delivery is at least once and each record is its own outbox document: order by time, one per id
    unique = {meta.id: (meta, body) for meta, body in trail}
    trail = sorted(unique.values(), key=lambda pair: pair[1]["at"])
    events = [AuditRecorded.model_validate(body) for _, body in trail]
    # who, what, why: the counselor's read and three changes, in order; the refused stranger read nothing
    assert [(e.actor_oid, e.action, e.resource, e.endpoint) for e in events] == [
        (samples.COUNSELOR, "read", "meeting", "GET /meetings/{meeting_id}"),
        (samples.COUNSELOR, "update", "meeting-student-record", "PUT /meetings/{meeting_id}/student-record"),
        (samples.COUNSELOR, "update", "meeting-attendance", "PUT /meetings/{meeting_id}/attendance"),
        (samples.COUNSELOR, "update", "meeting", "POST /meetings/{meeting_id}/complete"),
    ]
    assert {e.student_oid for e in events} <= {student, None}
    assert all(e.actor_oid != outsider for e in events)
    # when: in the scenario's time window, in order
    assert started <= events[0].at and events[-1].at <= datetime.now(UTC)
    # CloudEvents headers, and ids only: nothing personal in the records
    assert all(meta.type.endswith("audit-recorded") and meta.source == "/hoks/meetings" for meta, _ in trail)
    assert all(payload_violations("audit-recorded", body) == [] for _, body in trail)
    assert stored == len(events)
