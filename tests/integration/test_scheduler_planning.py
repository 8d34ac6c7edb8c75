"""Planning a unit's year through the scheduler's HTTP API on the real Kafka broker and document
store: every round is stored once and published as ``meeting-scheduled``; planning again changes
nothing; a cancellation goes out with the next sequence; the calendar feed serves iCalendar."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from icalendar import Calendar

from hoks_scheduler.main import build as build_scheduler
from hoks_shared.auth import Role
from hoks_shared.contracts.envelope import envelope_for
from hoks_testing import samples
from hoks_testing.auth import auth_headers
from hoks_shared.topics import MEETING_SCHEDULE, SIS_GROUPS
from tests.integration.conftest import eventually, producer, read_topic, running, send

pytestmark = pytest.mark.integration


def body_of(record) -> dict:
    """A record's JSON body; other tests in the run put deliberately broken records on topics."""
    try:
        value = json.loads(record.value)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def wire(event):
    meta = envelope_for(event, source="/it", event_id=str(uuid.uuid4()))
    return event.model_dump_json().encode(), event.partition_key(), meta.to_headers()


async def test_plan_a_unit_publish_once_replan_idempotent_cancel_and_feed(stack, monkeypatch):
    monkeypatch.setenv("HOKS_AUTH_MODE", "dev")
    marker = uuid.uuid4().hex[:8]
    unit = f"unit-{marker}"
    groups = [samples.group_upserted(group_id=f"G{marker}{i}", code=f"G{i}", unit_id=unit,
                                     responsible_teacher_oids=[f"1.2.246.562.24.4000000000{i}"])
              for i in range(3)]
    counselor = auth_headers(Role.COUNSELOR, staff_oid=samples.COUNSELOR, unit_ids=[unit])
    body = {"academic_year": "2026-2027", "unit_ids": [unit], "from_day": "2026-08-01"}
    async with running(build_scheduler, stack.settings("scheduler")) as rt, producer(stack) as p:
        for g in groups:
            await send(p, stack.naming.name(SIS_GROUPS), *wire(g))
        await eventually(lambda: _count(rt, unit), what="groups in the SIS view")
        client = httpx.AsyncClient(transport=httpx.ASGITransport(rt.http), base_url="http://scheduler")
        first = (await client.post("/plans", json=body, headers=counselor)).json()
        assert (first["scheduled"], first["unplaced"], first["quality"]["double_bookings"]) == (15, [], 0)
        assert first["quality"]["max_per_person_day"] <= 3
        second = (await client.post("/plans", json=body, headers=counselor)).json()
        assert (second["scheduled"], second["rescheduled"], second["cancelled"], second["kept"]) == (0, 0, 0, 15)
        stored = (await client.get(f"/plans/2026-2027?unit_id={unit}", headers=counselor)).json()
        assert stored["kept"] == 15 and stored["quality"] == second["quality"]
        meeting_id = f"grp-G{marker}0-2026-2027-r5"
        cancelled = await client.post(f"/meetings/{meeting_id}/cancel", json={"reason_code": "group-ended"},
                                      headers=counselor)
        assert cancelled.status_code == 200 and cancelled.json()["sequence"] == 1

        def ours(records):
            return [body_of(r) for r in records if body_of(r).get("unit_id") == unit]

        out = ours(await read_topic(stack, stack.naming.name(MEETING_SCHEDULE), lambda rs: len(ours(rs)) >= 16,
                                    timeout_s=60))
        stored = await rt.db.meetings.count_documents({"unit_id": unit})
        teacher = "1.2.246.562.24.40000000000"
        # the feed address is made by its owner (POST; GET only tells its state)
        feed_url = (await client.post(f"/calendar/{teacher}/feed",
                                      headers=auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=teacher))).json()["url"]
        feed = await client.get("/" + feed_url.split("/", 3)[3])
    assert stored == 15
    assert len(out) == 16
    assert sorted(e["event_type"] for e in out).count("meeting-scheduled") == 15
    assert [e["sequence"] for e in out if e["event_type"] == "meeting-cancelled"] == [1]
    assert len({e["meeting_id"] for e in out}) == 15
    events = {str(e["uid"]): e for e in Calendar.from_ical(feed.content).walk("VEVENT")}
    # the feed holds the teacher's meetings from 60 days back on: the group's rounds still ahead
    assert events and all(uid.startswith(f"grp-G{marker}0-2026-2027-r") for uid in events)
    assert str(events[f"{meeting_id}@hoks-scheduler.local"]["status"]) == "CANCELLED"


async def _count(rt, unit):
    return await rt.db.sis_groups.count_documents({"unit_id": unit}) == 3
