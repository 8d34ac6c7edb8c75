"""What the fault suite sends and what it counts.

One scenario = its own students, staff and group meetings (no two scenarios share an id), so
every scenario's effects are counted on their own while the services keep running across them:
SIS records first (staff, students), then a burst of completed checklists whose rows refer
students to the special-needs teacher. Each referral row must become exactly one referral, one
``referral-made`` effect (event ids are deterministic: several records with one id are a
redelivery, not a second effect), one student-level meeting (or a recorded "no slot"), and the
referral must show its meeting.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pymongo import MongoClient

from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.sis import StaffUpserted, StudentUpserted
from hoks_testing import samples
from hoks_shared.topics import MEETING_OUTCOMES, REFERRALS, SIS_STAFF, SIS_STUDENTS, Topic


@dataclass
class Scenario:
    name: str
    units: int = 2
    students_per_unit: int = 12
    rows_per_checklist: int = 3
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    students: dict[str, str] = field(default_factory=dict)  # student -> unit
    staff: dict[str, tuple[str, str]] = field(default_factory=dict)  # staff -> (role, unit)
    checklists: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        for u in range(self.units):
            unit = f"unit-f{self.tag}-{u}"
            teacher, counselor, specialist = samples.oid(), samples.oid(), samples.oid()
            self.staff |= {teacher: ("responsible-teacher", unit), counselor: ("counselor", unit),
                           specialist: ("special-needs-teacher", unit)}
            students = [samples.oid() for _ in range(self.students_per_unit)]
            self.students |= {s: unit for s in students}
            for c in range(0, len(students), self.rows_per_checklist):
                rows = [samples.checklist_row(s, outcome="referral",
                                              referral={"target": "special-needs-teacher", "reason_code": "study-skills"})
                        for s in students[c:c + self.rows_per_checklist]]
                self.checklists.append(samples.checklist_completed(
                    meeting_id=f"mtg-f{self.tag}-{u}-{c}", unit_id=unit, group_id=f"F{self.tag}{u}",
                    responsible_teacher_oid=teacher, counselor_oid=counselor, completed_by_oid=counselor,
                    completed_at=datetime.now(UTC), rows=rows))

    @property
    def expected(self) -> int:
        return len(self.students)

    def sis_events(self) -> list[tuple[Topic, IntegrationEvent]]:
        events: list[tuple[Topic, IntegrationEvent]] = []
        for oid, (role, unit) in self.staff.items():
            events.append((SIS_STAFF, StaffUpserted(source_version=1, staff_oid=oid, display_name=f"Staff {oid[-4:]}",
                                                    roles=[role], unit_ids=[unit])))
        teachers = {unit: oid for oid, (role, unit) in self.staff.items() if role == "responsible-teacher"}
        for student, unit in self.students.items():
            events.append((SIS_STUDENTS, StudentUpserted(
                source_version=1, student_oid=student, group_id=f"F{self.tag}{unit[-1]}", study_type="pt",
                responsible_teacher_oid=teachers[unit], unit_id=unit, compulsory_education_ends=date(2027, 12, 31),
                display_name=f"Student {student[-4:]}")))
        return events


async def publish(bootstrap: str, events: list[tuple[Topic, IntegrationEvent]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                                request_timeout_ms=30000)
    await producer.start()
    try:
        sent = []
        for topic, event in events:
            meta = envelope_for(event, source="/faults", event_id=str(uuid.uuid4()))
            sent.append(await producer.send(topic.name, event.model_dump_json().encode(),
                                            key=event.partition_key().encode(),
                                            headers=[(k, v.encode()) for k, v in meta.to_headers().items()]))
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


def send(bootstrap: str, events: list[tuple[Topic, IntegrationEvent]]) -> None:
    asyncio.run(publish(bootstrap, events))


def read_all(bootstrap: str, topic: Topic, *, dlq: bool = False) -> list[Any]:
    return asyncio.run(_read_all(bootstrap, topic, dlq=dlq))


async def _send_raw(bootstrap: str, topic: str, records: list[tuple[bytes, bytes, dict[str, str]]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", max_request_size=1048588)
    await producer.start()
    try:
        for key, value, headers in records:
            await producer.send_and_wait(topic, value, key=key, headers=[(k, v.encode()) for k, v in headers.items()])
    finally:
        await producer.stop()


def send_raw(bootstrap: str, topic: str, records: list[tuple[bytes, bytes, dict[str, str]]]) -> None:
    """Records as they are (poison, other versions): no contract, no envelope of ours."""
    asyncio.run(_send_raw(bootstrap, topic, records))


def checklist_events(checklists: list[Any]) -> list[tuple[Topic, IntegrationEvent]]:
    return [(MEETING_OUTCOMES, c) for c in checklists]


async def _read_all(bootstrap: str, topic: Topic, *, dlq: bool = False) -> list[Any]:
    """Every record on the topic (or its dead-letter topic) up to its end offsets when the read began."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    await consumer.start()
    try:
        parts = ([TopicPartition(topic.dlq, 0)] if dlq
                 else [TopicPartition(topic.name, p) for p in range(topic.partitions)])
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        end = await consumer.end_offsets(parts)
        records: list[Any] = []
        for _ in range(200):  # bounded
            if all([await consumer.position(tp) >= end[tp] for tp in parts]):
                break
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


@dataclass(frozen=True)
class Effects:
    expected: int
    referrals: int
    duplicate_referrals: int
    made_effects: int
    duplicate_made_effects: int
    made_records: int
    meetings: int
    duplicate_meetings: int
    unplaced: int
    showing_meeting: int

    @property
    def lost(self) -> int:
        return (max(0, self.expected - self.referrals) + max(0, self.referrals - self.made_effects)
                + max(0, self.referrals - self.meetings - self.unplaced))

    @property
    def duplicated(self) -> int:
        return self.duplicate_referrals + self.duplicate_made_effects + self.duplicate_meetings

    @property
    def settled(self) -> bool:
        return self.lost == 0 and self.showing_meeting == self.meetings


def count(scenario: Scenario, bootstrap: str, mongodb_url: str) -> Effects:
    students = sorted(scenario.students)
    client: MongoClient[dict[str, Any]] = MongoClient(mongodb_url, serverSelectionTimeoutMS=5000)
    try:
        referrals = list(client["hoks_referrals"]["referrals"].find(
            {"student_oid": {"$in": students}}, {"_id": 1, "student_oid": 1, "status": 1, "meeting_id": 1}))
        ids = [r["_id"] for r in referrals]
        meetings = list(client["hoks_scheduler"]["meetings"].find(
            {"referral_id": {"$in": ids}}, {"_id": 1, "referral_id": 1}))
        unplaced = client["hoks_scheduler"]["unplaced_requests"].count_documents(
            {"student_oid": {"$in": students}, "reason": {"$ne": "student-unknown"}})
    finally:
        client.close()
    per_student = Counter(r["student_oid"] for r in referrals)
    per_referral = Counter(m["referral_id"] for m in meetings)
    made: dict[str, set[str]] = {}
    made_records = 0
    for record in read_all(bootstrap, REFERRALS):
        try:
            body = json.loads(record.value)
        except ValueError:
            continue
        if body.get("event_type") != "referral-made" or body.get("student_oid") not in scenario.students:
            continue
        made_records += 1
        ce_id = dict(record.headers).get("ce_id", b"").decode()
        made.setdefault(body["referral_id"], set()).add(ce_id)
    return Effects(
        expected=scenario.expected,
        referrals=len(per_student),
        duplicate_referrals=sum(n - 1 for n in per_student.values()),
        made_effects=len(made),
        duplicate_made_effects=sum(len(ids) - 1 for ids in made.values()),
        made_records=made_records,
        meetings=len(per_referral),
        duplicate_meetings=sum(n - 1 for n in per_referral.values()),
        unplaced=unplaced,
        showing_meeting=sum(1 for r in referrals if r.get("meeting_id")),
    )


TABLE_HEADER = ("| fault | expected | referrals | referral-made effects (records) | student meetings (+no slot) "
                "| showing meeting | lost | duplicated | recovered in s |")


def table_row(fault: str, e: Effects, recovered_s: float) -> str:
    return (f"| {fault} | {e.expected} | {e.referrals} | {e.made_effects} ({e.made_records}) | "
            f"{e.meetings} (+{e.unplaced}) | {e.showing_meeting} | {e.lost} | {e.duplicated} | {recovered_s:.1f} |")


DYNAMIC_TOPIC_CONFIG = 1  # DescribeConfigs' config source of a topic's own setting


async def _topic_configs(admin: Any, topic: str) -> dict[str, str]:
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    described = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    return {e[0]: e[1] for res in described[0].resources for e in res[4] if e[3] == DYNAMIC_TOPIC_CONFIG}


async def _limit_topics(bootstrap: str, topics: list[str], max_message_bytes: int | None) -> dict[str, dict[str, str]]:
    """Set (or, with None, remove) each topic's own ``max.message.bytes``, keeping its other own
    settings (AlterConfigs replaces a topic's whole set); returns the sets it wrote."""
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    await admin.start()
    try:
        written = {}
        for topic in topics:
            configs = {k: v for k, v in (await _topic_configs(admin, topic)).items() if k != "max.message.bytes"}
            if max_message_bytes is not None:
                configs["max.message.bytes"] = str(max_message_bytes)
            response = await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs)])
            assert all(r[0] == 0 for resp in response for r in resp.resources), response
            written[topic] = await _topic_configs(admin, topic)
        return written
    finally:
        await admin.close()


def limit_topics(bootstrap: str, topics: list[str], max_message_bytes: int | None) -> dict[str, dict[str, str]]:
    """The broker refuses every record batch larger than ``max_message_bytes`` on these topics."""
    return asyncio.run(_limit_topics(bootstrap, topics, max_message_bytes))
