"""Contract events through the real Kafka broker into the services' views in the real document store."""

from __future__ import annotations

import json
import uuid

import pytest

from hoks_meetings.main import build as build_meetings
from hoks_referrals.main import build as build_referrals
from hoks_scheduler.main import build as build_scheduler
from hoks_shared.contracts.envelope import EventMeta, envelope_for
from hoks_testing import samples
from hoks_shared.topics import MEETING_OUTCOMES, MEETING_SCHEDULE, REFERRALS, SIS_GROUPS
from tests.integration.conftest import eventually, producer, read_topic, running, send

pytestmark = pytest.mark.integration


def wire(event, event_id=None):
    meta = envelope_for(event, source="/it", event_id=event_id or str(uuid.uuid4()))
    return event.model_dump_json().encode(), event.partition_key(), meta.to_headers(), meta


async def test_meeting_scheduled_through_kafka_is_persisted_by_the_meetings_service(stack):
    event = samples.meeting_scheduled(meeting_id=f"mtg-{uuid.uuid4().hex[:12]}")
    value, key, headers, meta = wire(event)
    async with running(build_meetings, stack.settings("meetings")) as rt, producer(stack) as p:
        await send(p, stack.naming.name(MEETING_SCHEDULE), value, key, headers)
        doc = await eventually(lambda: rt.db.meetings.find_one({"_id": event.meeting_id}), what="meeting stored")
    assert doc["group_id"] == "TVO24A"
    assert doc["theme"] == "start-of-studies"
    assert doc["status"] == "planned"
    assert doc["_applied"] == [meta.id]
    assert [p["role"] for p in doc["participants"]] == ["counselor", "responsible-teacher", "special-needs-teacher"]


async def test_malformed_events_go_to_the_dead_letter_topic_and_the_next_one_is_processed(stack):
    topic = stack.naming.name(MEETING_SCHEDULE)
    marker = uuid.uuid4().hex[:12]
    good = samples.meeting_scheduled(meeting_id=f"mtg-{marker}")
    value, key, headers, _ = wire(good)
    broken_json_headers = {**headers, "ce_id": f"broken-json-{marker}"}
    invalid_headers = {**headers, "ce_id": f"invalid-{marker}"}
    invalid = json.dumps({**json.loads(value), "ends_at": "2026-09-14T08:00:00+00:00"}).encode()
    async with running(build_meetings, stack.settings("meetings")) as rt, producer(stack) as p:
        await send(p, topic, b"{this is not json", key, broken_json_headers)
        await send(p, topic, invalid, key, invalid_headers)
        await send(p, topic, value, key, headers)
        doc = await eventually(lambda: rt.db.meetings.find_one({"_id": good.meeting_id}),
                               what="the valid event after the bad ones stored")
        assert doc["status"] == "planned"
        assert await rt.db.meetings.count_documents({}) == 1

        def mine(records):
            return [r for r in records if dict(r.headers).get("ce_id", b"").decode().endswith(marker)]

        dead = mine(await read_topic(stack, stack.naming.dlq(MEETING_SCHEDULE), lambda rs: len(mine(rs)) >= 2))
    assert len(dead) == 2
    by_id = {dict(r.headers)["ce_id"].decode(): {k: v.decode() for k, v in r.headers} for r in dead}
    broken = by_id[f"broken-json-{marker}"]
    assert broken["dlq_original_topic"] == topic
    assert broken["dlq_error_type"]
    assert int(broken["dlq_original_offset"]) >= 0
    assert "ends_at must be after starts_at" in by_id[f"invalid-{marker}"]["dlq_reason"]
    assert [r.value for r in dead if dict(r.headers)["ce_id"].decode() == f"broken-json-{marker}"] == [
        b"{this is not json"]
    assert rt.metrics.registry.get_sample_value(
        "hoks_dead_letters_total", {"topic": topic, "error_type": by_id[f"invalid-{marker}"]["dlq_error_type"]}
    ) >= 1


async def test_referral_from_a_checklist_is_stored_and_published_once_through_the_outbox(stack):
    student = samples.oid()
    event = samples.checklist_completed(
        meeting_id=f"mtg-{uuid.uuid4().hex[:12]}",
        rows=[samples.checklist_row(student, outcome="referral",
                                    referral={"target": "special-needs-teacher", "reason_code": "study-skills"}),
              samples.checklist_row()],
    )
    value, key, headers, _ = wire(event)
    again_value, again_key, again_headers, _ = wire(event)  # redelivered with another envelope id
    async with running(build_referrals, stack.settings("referrals")) as rt, producer(stack) as p:
        await send(p, stack.naming.name(MEETING_OUTCOMES), value, key, headers)
        await send(p, stack.naming.name(MEETING_OUTCOMES), again_value, again_key, again_headers)

        def made(records):
            return [r for r in records if json.loads(r.value).get("student_oid") == student]

        records = made(await read_topic(stack, stack.naming.name(REFERRALS), lambda rs: len(made(rs)) >= 1))
        await eventually(lambda: rt.db.referrals.find_one({"student_oid": student, "_outbox.0": {"$exists": False}}),
                         what="outbox drained")
        assert await rt.db.referrals.count_documents({"student_oid": student}) == 1
        # nothing more arrives: the redelivery made no second referral
        assert len(made(await read_topic(stack, stack.naming.name(REFERRALS), lambda rs: False, timeout_s=3))) == 1
    body = json.loads(records[0].value)
    assert body["event_type"] == "referral-made"
    assert body["target"] == "special-needs-teacher"
    assert records[0].key.decode() == student
    meta = EventMeta.from_headers(dict(records[0].headers))
    assert meta.type == "fi.hoks.followup.referral-made"
    assert meta.source == "/hoks/referrals"
    assert meta.subject == body["referral_id"]


async def test_an_older_sis_update_arriving_late_does_not_overwrite_the_newer(stack):
    group_id = f"G{uuid.uuid4().hex[:8]}"
    newer = samples.group_upserted(group_id=group_id, code=group_id, source_version=7,
                                   counselor_oid="1.2.246.562.24.20000000077")
    older = samples.group_upserted(group_id=group_id, code=group_id, source_version=3)
    async with running(build_scheduler, stack.settings("scheduler")) as rt, producer(stack) as p:
        for event in (newer, older):
            value, key, headers, _ = wire(event)
            await send(p, stack.naming.name(SIS_GROUPS), value, key, headers)

        async def both_seen():
            stale = rt.metrics.registry.get_sample_value(
                "hoks_events_applied_total", {"event_type": "sis-group", "result": "stale"}) or 0
            return stale >= 1

        await eventually(both_seen, what="the late update handled")
        doc = await rt.db.sis_groups.find_one({"_id": group_id})
    assert doc["_version"] == 7
    assert doc["counselor_oid"] == "1.2.246.562.24.20000000077"
