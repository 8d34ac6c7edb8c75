"""The referrals service's Kafka routers under FastStream's in-memory ``TestKafkaBroker``: a
completed checklist in → a routed referral stored (through the use case, on the hand-written fake
store) and ``referral-made`` out; another type on the outcomes topic skipped and counted, never
dead-lettered; a study right interrupted → a Valpas task. The real-broker tests of the same
consumers are tests/integration/test_referrals_flow.py and test_valpas_routing.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from faststream.kafka import KafkaMessage, TestKafkaBroker
from pydantic import TypeAdapter

from hoks_referrals.subscribers import build_routers
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.referrals import ReferralMade
from hoks_shared.contracts.sis import StudyRightStatus
from hoks_shared.messaging.broker import batch_subscriber
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.runtime.service import ServiceRuntime, build_runtime
from hoks_shared.settings import KafkaSettings, ServiceSettings
from hoks_shared.topics import MEETING_OUTCOMES, REFERRALS, SIS_STUDY_RIGHTS, Topic
from hoks_testing import samples

from .fakes import COUNSELOR, SNT, UNIT, deps

NOW = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
_MADE: TypeAdapter[ReferralMade] = TypeAdapter(ReferralMade)


def runtime_for_tests() -> ServiceRuntime:
    """The service's runtime with a topic prefix of its own; the store client is never used (the
    fake repository stands in) and the broker is replaced by ``TestKafkaBroker``."""
    return build_runtime(ServiceSettings(service_name="referrals", kafka=KafkaSettings(topic_prefix="inmem.")))


def checklist() -> Any:
    return samples.checklist_completed(rows=[
        samples.checklist_row(outcome="no-action"),
        samples.checklist_row(samples.STUDENT, outcome="referral",
                              referral={"target": "special-needs-teacher", "reason_code": "study-skills"}),
    ])


@pytest.fixture
def wiring():
    runtime = runtime_for_tests()
    d = deps(NOW)
    for router in build_routers(runtime, d):
        runtime.broker.include_router(router)
    dead: list[KafkaMessage] = []

    @runtime.broker.subscriber(runtime.naming.dlq(MEETING_OUTCOMES), runtime.naming.dlq(SIS_STUDY_RIGHTS),
                               group_id="inmem-dlq")
    async def on_dead(msg: KafkaMessage) -> None:
        dead.append(msg)

    return runtime, d, dead


async def publish(broker: Any, runtime: ServiceRuntime, topic: Topic, event: Any, event_id: str,
                  **headers_over: str) -> None:
    headers = envelope_for(event, source="/hoks/test", event_id=event_id).to_headers() | headers_over
    await broker.publish(event.model_dump(mode="json"), topic=runtime.naming.name(topic),
                         key=event.partition_key().encode(), headers=headers)


async def test_a_completed_checklist_makes_a_routed_referral_and_referral_made_goes_out(wiring):
    runtime, d, dead = wiring
    made: list[ReferralMade] = []
    reads = Reads({1}, event_types={ReferralMade.EVENT_TYPE})

    @batch_subscriber(runtime.broker, runtime.naming, [REFERRALS], "inmem-scheduler")
    async def on_referrals(msg: KafkaMessage) -> None:  # a consumer of referral-made (as the scheduler)
        made.extend(reads.read_record(r, _MADE)[0] for r in msg.raw_message)

    async with TestKafkaBroker(runtime.broker) as broker:
        await publish(broker, runtime, MEETING_OUTCOMES, checklist(), "c1")
        await publish(broker, runtime, MEETING_OUTCOMES, checklist(), "c1-again")  # a repeat refers once
        [referral] = d.referrals.stored.values()
        assert (referral.student_oid, referral.target, referral.assignee_oid, referral.routed_by) == \
            (samples.STUDENT, "special-needs-teacher", SNT, "role")
        # the relay publishes each staged entry as is: here the runtime's publisher does it
        for staged in d.referrals.outbox[referral.referral_id]:
            await runtime.publisher.publish(ReferralMade.model_validate(staged["body"]), event_id=staged["id"])
    assert [(m.referral_id, m.assignee_oid, m.unit_id) for m in made] == [(referral.referral_id, SNT, UNIT)]
    assert dead == []
    applied = runtime.metrics.registry.get_sample_value
    assert applied("hoks_events_applied_total", {"event_type": "checklist-completed", "result": "applied"}) == 1
    assert applied("hoks_events_applied_total", {"event_type": "checklist-completed", "result": "duplicate"}) == 1


async def test_another_type_on_the_outcomes_topic_is_skipped_and_counted_not_dead_lettered(wiring):
    runtime, d, dead = wiring
    topic = runtime.naming.name(MEETING_OUTCOMES)
    good = checklist()
    async with TestKafkaBroker(runtime.broker) as broker:
        # a type referrals does not read (say, one the meetings service adds later), in a shape
        # no contract of the topic accepts: were it read, it would be dead-lettered
        await broker.publish({"event_type": "meeting-minutes-approved", "meeting_id": good.meeting_id},
                             topic=topic, key=good.partition_key().encode(),
                             headers=envelope_for(good, source="/hoks/meetings", event_id="n1").to_headers()
                             | {"ce_type": "fi.hoks.followup.meeting-minutes-approved"})
        await publish(broker, runtime, MEETING_OUTCOMES, good, "c1")  # the next one on the key flows
    assert dead == []
    assert runtime.metrics.registry.get_sample_value(
        "hoks_events_not_read_total", {"topic": topic, "event_type": "meeting-minutes-approved"}) == 1
    assert [r.student_oid for r in d.referrals.stored.values()] == [samples.STUDENT]


async def test_a_broken_checklist_is_dead_lettered_and_the_next_flows(wiring):
    runtime, d, dead = wiring
    good = checklist()
    broken = good.model_dump(mode="json")
    broken["rows"][1]["referral"]["reason_code"] = "study-right-resigned"  # a known code not fitting the target
    async with TestKafkaBroker(runtime.broker) as broker:
        await broker.publish(broken, topic=runtime.naming.name(MEETING_OUTCOMES), key=good.partition_key().encode(),
                             headers=envelope_for(good, source="/hoks/meetings", event_id="bad").to_headers())
        await publish(broker, runtime, MEETING_OUTCOMES, good, "c1")
    assert [m.headers["ce_id"] for m in dead] == ["bad"]
    assert [r.reason_code for r in d.referrals.stored.values()] == ["study-skills"]


async def test_an_interrupted_study_right_of_a_compulsory_education_student_makes_a_valpas_task(wiring):
    runtime, d, dead = wiring
    interrupted = StudyRightStatus(
        source_version=1, study_right_oid="1.2.246.562.15.50000000001", student_oid=samples.STUDENT,
        periods=[{"start": date(2025, 8, 11), "state": "lasna"},
                 {"start": date(2026, 10, 2), "state": "valiaikaisestikeskeytynyt"}],
        compulsory_education_ends=date(2027, 12, 31))
    present = interrupted.model_copy(update={"study_right_oid": "1.2.246.562.15.50000000002",
                                             "periods": interrupted.periods[:1]})
    async with TestKafkaBroker(runtime.broker) as broker:
        await publish(broker, runtime, SIS_STUDY_RIGHTS, present, "s1")  # "lasna": nothing to do
        await publish(broker, runtime, SIS_STUDY_RIGHTS, interrupted, "s2")
    [task] = d.referrals.stored.values()
    assert (task.target, task.origin, task.assignee_oid) == ("valpas-notification", "valpas", COUNSELOR)
    assert d.referrals.event_types(task.referral_id) == ["referral-made"]
    assert dead == []
