"""The scheduler's Kafka routers under FastStream's in-memory ``TestKafkaBroker``: ``referral-made``
in → a student-level meeting in the (fake) store and ``meeting-scheduled`` staged, which goes out
on the schedule topic as the relay would publish it; ``meeting-held`` in → the meeting marked held.
Other types on those topics are skipped and counted, a broken event is dead-lettered. The
real-broker test of the same consumer is tests/integration/test_scheduler_referral_meetings.py.
(The SIS topics are read by the shared SIS views' consumer, which has tests of its own; the
scheduler plans with what they hold, through ``GroupSource``/``StudentSource``.)"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from faststream.kafka import KafkaMessage, TestKafkaBroker
from fakes import STUDENT, TEACHER, deps, held
from pydantic import TypeAdapter

from hoks_scheduler.adapters.student_reader import StudentPlacement
from hoks_scheduler.domain.student_meetings import TAKEN
from hoks_scheduler.handlers.planning import PlanYear, plan_year
from hoks_scheduler.subscribers import build_routers
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.meetings import MeetingScheduled, MeetingScheduleEvent
from hoks_shared.contracts.referrals import ReferralAccepted
from hoks_shared.messaging.broker import batch_subscriber
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.runtime.service import ServiceRuntime, build_runtime
from hoks_shared.settings import KafkaSettings, ServiceSettings
from hoks_shared.topics import MEETING_OUTCOMES, MEETING_SCHEDULE, REFERRALS
from hoks_testing import samples

SPECIALIST = "1.2.246.562.24.20000000009"
OTHER_STUDENT = "1.2.246.562.24.30000000002"
MADE = datetime(2026, 9, 14, 7, tzinfo=UTC)


def runtime_for_tests() -> ServiceRuntime:
    """The service's runtime with a topic prefix of its own; its store client is never used (the
    fakes stand in) and the broker is replaced by ``TestKafkaBroker``."""
    return build_runtime(ServiceSettings(service_name="scheduler", kafka=KafkaSettings(topic_prefix="inmem.")))


@pytest.fixture
def wiring():
    runtime = runtime_for_tests()
    d = deps(today=date(2026, 9, 1), students=[StudentPlacement(STUDENT, "TVO24A", "unit-tech", TEACHER, True),
                                               StudentPlacement(OTHER_STUDENT, "TVO24A", "unit-tech", TEACHER, True)])
    for router in build_routers(runtime, d):
        runtime.broker.include_router(router)
    dead: list[KafkaMessage] = []

    @runtime.broker.subscriber(runtime.naming.dlq(REFERRALS), group_id="inmem-dlq")
    async def on_dead(msg: KafkaMessage) -> None:
        dead.append(msg)

    return runtime, d, dead


def headers(event: Any, event_id: str) -> dict[str, str]:
    return envelope_for(event, source="/hoks/referrals", event_id=event_id).to_headers()


async def publish(broker: Any, runtime: ServiceRuntime, topic: Any, event: Any, event_id: str, **over: Any) -> None:
    body = {**event.model_dump(mode="json"), **over}
    await broker.publish(body, topic=runtime.naming.name(topic), key=event.partition_key().encode(),
                         headers=headers(event, event_id))


def applied(runtime: ServiceRuntime, event_type: str, result: str) -> float | None:
    return runtime.metrics.registry.get_sample_value("hoks_events_applied_total",
                                                     {"event_type": event_type, "result": result})


async def test_referral_made_in_is_a_student_meeting_and_meeting_scheduled_out(wiring):
    runtime, d, dead = wiring
    referral = samples.referral_made(referral_id="ref-42", assignee_oid=SPECIALIST, made_at=MADE)
    received: list[tuple[Any, bytes]] = []
    reads = Reads({1}, event_types={MeetingScheduled.EVENT_TYPE})
    adapter: TypeAdapter[Any] = TypeAdapter(MeetingScheduleEvent)

    @batch_subscriber(runtime.broker, runtime.naming, [MEETING_SCHEDULE], "inmem-meetings")
    async def on_schedule(msg: KafkaMessage) -> None:
        for record in msg.raw_message:
            if reads.reads_type_of(record):
                received.append((reads.read_record(record, adapter)[0], record.key))

    async with TestKafkaBroker(runtime.broker) as broker:
        await publish(broker, runtime, REFERRALS, referral, "r1")
        await publish(broker, runtime, REFERRALS, referral, "r1-again")  # delivered twice, new id
        assert list(d.meetings.docs) == ["stu-ref-42"]
        # what the use case staged, published as the relay publishes it
        for staged in d.meetings.staged:
            await runtime.publisher.publish_entry(runtime.publisher.outgoing_entry(staged))
    meeting = d.meetings.docs["stu-ref-42"]
    assert meeting.kind == "student" and meeting.referral_id == "ref-42" and SPECIALIST in meeting.person_oids
    [(event, key)] = received
    assert isinstance(event, MeetingScheduled) and event.meeting_id == "stu-ref-42" and event.sequence == 0
    assert event.starts_at == meeting.starts_at and key == STUDENT.encode()
    assert applied(runtime, "referral-made", "applied") == 1 and applied(runtime, "referral-made", "duplicate") == 1
    assert dead == []


async def test_other_referral_events_are_skipped_and_a_broken_referral_dead_lettered(wiring):
    runtime, d, dead = wiring
    referral = samples.referral_made(referral_id="ref-7", made_at=MADE)
    accepted = ReferralAccepted(referral_id="ref-7", student_oid=STUDENT, accepted_by_oid=SPECIALIST,
                                accepted_at=MADE)
    async with TestKafkaBroker(runtime.broker) as broker:
        await publish(broker, runtime, REFERRALS, accepted, "a1")
        future = headers(referral, "f1") | {"ce_type": "fi.hoks.followup.referral-reassigned"}
        await broker.publish({"event_type": "referral-reassigned", "referral_id": "ref-7"},
                             topic=runtime.naming.name(REFERRALS), key=STUDENT.encode(), headers=future)
        await publish(broker, runtime, REFERRALS, referral, "bad", student_oid="not-an-oid")
    assert d.meetings.docs == {} and d.meetings.staged == []
    topic = runtime.naming.name(REFERRALS)
    not_read = runtime.metrics.registry.get_sample_value
    assert not_read("hoks_events_not_read_total", {"topic": topic, "event_type": "referral-accepted"}) == 1
    assert not_read("hoks_events_not_read_total", {"topic": topic, "event_type": "referral-reassigned"}) == 1
    assert [m.headers["ce_id"] for m in dead] == ["bad"]


async def test_referrals_arriving_in_either_order_make_the_same_meetings(wiring):
    runtime, d, _ = wiring
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    earlier = samples.referral_made(referral_id="ref-a", made_at=MADE)
    later = samples.referral_made(referral_id="ref-b", student_oid=OTHER_STUDENT, made_at=MADE.replace(minute=30))
    async with TestKafkaBroker(runtime.broker) as broker:
        await publish(broker, runtime, REFERRALS, later, "b")
        await publish(broker, runtime, REFERRALS, earlier, "a")  # made first, read second
    a, b = d.meetings.docs["stu-ref-a"], d.meetings.docs["stu-ref-b"]
    # the counselor and the teacher are in both: the earlier-made one has the earlier slot
    assert (a.day, a.slot) < (b.day, b.slot) and b.sequence == 1
    assert [e["reason_code"] for e in d.meetings.events("meeting-rescheduled")] == [TAKEN]


async def test_a_batch_is_applied_in_request_order_so_nothing_is_displaced(wiring):
    runtime, d, _ = wiring
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    earlier = samples.referral_made(referral_id="ref-a", made_at=MADE)
    later = samples.referral_made(referral_id="ref-b", student_oid=OTHER_STUDENT, made_at=MADE.replace(minute=30))
    async with TestKafkaBroker(runtime.broker) as broker:
        await broker.publish_batch(later.model_dump(mode="json"), earlier.model_dump(mode="json"),
                                   topic=runtime.naming.name(REFERRALS), headers=headers(later, "batch"))
    a, b = d.meetings.docs["stu-ref-a"], d.meetings.docs["stu-ref-b"]
    assert (a.day, a.slot) < (b.day, b.slot) and (a.sequence, b.sequence) == (0, 0)
    assert d.meetings.events("meeting-rescheduled") == []
    assert applied(runtime, "referral-made", "applied") == 2


async def test_a_referral_its_use_case_refuses_is_dead_lettered_and_the_batch_goes_on(wiring):
    runtime, d, dead = wiring
    known = d.students.get

    async def refusing(student_oid: str):
        if student_oid == OTHER_STUDENT:
            raise ValueError("the SIS view holds a broken record")
        return await known(student_oid)

    d.students.get = refusing
    broken = samples.referral_made(referral_id="ref-x", student_oid=OTHER_STUDENT, made_at=MADE)
    fine = samples.referral_made(referral_id="ref-y", made_at=MADE.replace(minute=1))
    async with TestKafkaBroker(runtime.broker) as broker:
        await broker.publish_batch(broken.model_dump(mode="json"), fine.model_dump(mode="json"),
                                   topic=runtime.naming.name(REFERRALS), headers=headers(fine, "batch"))
    assert list(d.meetings.docs) == ["stu-ref-y"]
    [copy] = dead
    assert copy.headers["dlq_reason"].endswith("ValueError: the SIS view holds a broken record")
    assert applied(runtime, "referral-made", "rejected") == 1


async def test_meeting_held_in_marks_the_meeting_held_and_other_outcomes_are_skipped(wiring):
    runtime, d, dead = wiring
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    r1 = d.meetings.docs["grp-TVO24A-2026-2027-r1"]
    done = held(r1.meeting_id, r1.day)
    async with TestKafkaBroker(runtime.broker) as broker:
        await publish(broker, runtime, MEETING_OUTCOMES, samples.checklist_completed(), "c1")
        await publish(broker, runtime, MEETING_OUTCOMES, done, "h1")
        await publish(broker, runtime, MEETING_OUTCOMES, held("grp-NOPE-2026-2027-r1", r1.day), "h2")
    assert d.meetings.docs[r1.meeting_id].held_on == r1.day
    assert applied(runtime, "meeting-held", "applied") == 1 and applied(runtime, "meeting-held", "duplicate") == 1
    assert runtime.metrics.registry.get_sample_value(
        "hoks_events_not_read_total",
        {"topic": runtime.naming.name(MEETING_OUTCOMES), "event_type": "checklist-completed"}) == 1
    assert dead == []
