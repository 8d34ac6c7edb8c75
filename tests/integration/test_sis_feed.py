"""The SIS feed on the real stack: the demo institution fills every service's views."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date

import pytest

from hoks_meetings.main import build as build_meetings
from hoks_referrals.main import build as build_referrals
from hoks_reporting.main import build as build_reporting
from hoks_scheduler.main import build as build_scheduler
from hoks_shared.contracts.sis import AbsenceRecorded, GroupUpserted, HoksUpdated, StaffUpserted, StudentUpserted
from hoks_shared.settings import KafkaSettings
from hoks_shared.topics import SIS_STUDENTS
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize
from hoks_sisfeed.publishing import publish_records
from hoks_sisfeed.records import feed_record
from tests.integration.conftest import eventually, producer, read_topic, running, send

pytestmark = pytest.mark.integration


async def test_demo_institution_fills_every_service_view(stack):
    seed = uuid.uuid4().int % 1000
    institution = DemoInstitution(DemoSize.scaled(400, seed=seed, as_of=date(2026, 11, 28)))
    events = list(institution.events())
    kinds = Counter(type(e).__name__ for e in events)
    students = [e for e in events if isinstance(e, StudentUpserted)]
    kafka = KafkaSettings(bootstrap_servers=stack.bootstrap, topic_prefix=stack.prefix)
    async with (running(build_scheduler, stack.settings("scheduler")) as scheduler,
                running(build_meetings, stack.settings("meetings")) as meetings,
                running(build_referrals, stack.settings("referrals")) as referrals,
                running(build_reporting, stack.settings("reporting")) as reporting):
        sent = await publish_records((feed_record(e, stack.naming) for e in events), kafka)
        assert sent == len(events)
        mine = {"_id": {"$in": [s.student_oid for s in students]}}

        async def all_students_in(rt, section=None):
            query = dict(mine, **({section: {"$exists": True}} if section else {"group_id": {"$exists": True}}))
            return await rt.db.sis_students.count_documents(query) == len(students)

        for rt in (scheduler, meetings, referrals, reporting):
            await eventually(lambda rt=rt: all_students_in(rt), timeout_s=120, what=f"{rt.name} has every student")
        await eventually(lambda: all_students_in(meetings, "hoks"), timeout_s=60, what="every HOKS in meetings")
        # this feed's records (other tests of the run share the topics, and a consumer that stopped
        # before committing sees its last records again: at least once)
        groups = {"_id": {"$in": [e.group_id for e in events if isinstance(e, GroupUpserted)]}}
        staff = {"_id": {"$in": [e.staff_oid for e in events if isinstance(e, StaffUpserted)]}}
        assert await scheduler.db.sis_groups.count_documents(groups) == kinds["GroupUpserted"]
        assert await scheduler.db.sis_staff.count_documents(staff) == kinds["StaffUpserted"]
        assert await referrals.db.sis_staff.count_documents(staff) == kinds["StaffUpserted"]
        assert await reporting.db.sis_groups.count_documents(groups) == kinds["GroupUpserted"]

        # one student in detail: the meetings view holds what the feed said
        absences = Counter(e.student_oid for e in events if isinstance(e, AbsenceRecorded))
        oid, expected_absences = absences.most_common(1)[0]
        hoks = next(e for e in events if isinstance(e, HoksUpdated) and e.student_oid == oid)
        await eventually(lambda: meetings.db.sis_students.find_one(
            {"_id": oid, f"absences.abs-{oid.replace('.', '_')}-{expected_absences - 1}": {"$exists": True}}),
            what="the student's absences")
        doc = await meetings.db.sis_students.find_one({"_id": oid})
        assert len(doc["absences"]) == expected_absences
        assert doc["hoks"]["planned_points"] == hoks.planned_points
        assert len(doc["study_rights"]) == 1
        assert "absences" not in (await scheduler.db.sis_students.find_one({"_id": oid}))  # not its topic

        # a replay of the whole feed changes nothing
        before = await meetings.db.sis_students.find_one({"_id": oid})
        await publish_records((feed_record(e, stack.naming) for e in events), kafka)

        async def replay_seen():
            stale = sum(meetings.metrics.registry.get_sample_value(
                "hoks_events_applied_total", {"event_type": t, "result": "stale"}) or 0
                for t in ("sis-student", "sis-hoks", "sis-absence"))
            return stale >= kinds["StudentUpserted"] + kinds["HoksUpdated"] + kinds["AbsenceRecorded"]

        await eventually(replay_seen, timeout_s=60, what="the replay handled")
        assert await meetings.db.sis_students.find_one({"_id": oid}) == before


async def test_a_bad_sis_record_is_dead_lettered_and_the_batch_around_it_applied(stack):
    marker = uuid.uuid4().hex[:8]
    good = [StudentUpserted(source_version=2, student_oid=f"1.2.246.562.24.{77_000_000_000 + i + int(marker, 16) % 10**6 * 100}",
                            group_id="G1", study_type="pt", responsible_teacher_oid="1.2.246.562.24.20000000002",
                            unit_id="unit-tech") for i in range(3)]
    older = good[0].model_copy(update={"source_version": 1, "group_id": "OLD"})
    records = [feed_record(e, stack.naming) for e in good]
    async with running(build_meetings, stack.settings("meetings")) as rt, producer(stack) as p:
        topic = stack.naming.name(SIS_STUDENTS)
        await send(p, topic, json.dumps(records[0].value).encode(), records[0].key, records[0].headers)
        await send(p, topic, b'{"event_type": "sis-student", "student_oid": "' + marker.encode() + b'"}', "k",
                   {**records[1].headers, "ce_id": f"bad-{marker}"})
        await send(p, topic, b"\x00 not json at all", "k", {**records[1].headers, "ce_id": f"bad-{marker}-bytes"})
        for r in records[1:]:
            await send(p, topic, json.dumps(r.value).encode(), r.key, r.headers)
        late = feed_record(older, stack.naming)
        await send(p, topic, json.dumps(late.value).encode(), late.key, late.headers)
        await eventually(lambda: rt.db.sis_students.count_documents({"_id": {"$in": [g.student_oid for g in good]}}),
                         what="good records applied")
        await eventually(lambda: _count(rt, 3), what="all three good students")

        def bad(records):
            return [r for r in records if dict(r.headers).get("ce_id") == f"bad-{marker}".encode()]

        def garbled(records):
            return [r for r in records if dict(r.headers).get("ce_id") == f"bad-{marker}-bytes".encode()]

        dlq = await read_topic(stack, stack.naming.dlq(SIS_STUDENTS), lambda rs: bool(bad(rs)) and bool(garbled(rs)))
        dead = bad(dlq)
        assert len(dead) == 1
        reason = dict(dead[0].headers)["dlq_reason"].decode()
        assert "student_oid" in reason and "group_id: Field required" in reason
        assert len(garbled(dlq)) == 1 and "json" in dict(garbled(dlq)[0].headers)["dlq_reason"].decode().lower()
        await eventually(lambda: _stale_seen(rt), what="the late older version handled")
        assert (await rt.db.sis_students.find_one({"_id": good[0].student_oid}))["group_id"] == "G1"


async def _count(rt, n):
    return await rt.db.sis_students.count_documents({"group_id": "G1"}) == n


async def _stale_seen(rt):
    return (rt.metrics.registry.get_sample_value(
        "hoks_events_applied_total", {"event_type": "sis-student", "result": "stale"}) or 0) >= 1
