"""Kafka subscribers of the referrals service: checklists make referrals, the scheduler's
student-level meetings move them on, Koski study-right changes make Valpas tasks."""

from __future__ import annotations

from faststream.kafka import KafkaMessage, KafkaRouter
from pydantic import TypeAdapter

from hoks_referrals.handlers import (
    Deps,
    meeting_changed,
    meeting_scheduled,
    refer_from_checklist,
    student_meeting_held,
    valpas_from_study_rights,
)
from hoks_shared.contracts.meetings import (
    ChecklistCompleted,
    MeetingHeld,
    MeetingOutcomeEvent,
    MeetingScheduled,
    MeetingScheduleEvent,
)
from hoks_shared.contracts.sis import StudyRightStatus
from hoks_shared.messaging.broker import batch_subscriber, subscriber
from hoks_shared.messaging.envelope_dependency import Envelope
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.runtime.service import ServiceRuntime
from hoks_shared.store.idempotent import ApplyResult
from hoks_shared.topics import MEETING_OUTCOMES, MEETING_SCHEDULE, SIS_STUDY_RIGHTS

_STUDY_RIGHT: TypeAdapter[StudyRightStatus] = TypeAdapter(StudyRightStatus)


#: The major schema versions of the calendar and study-right events this service is written for.
READS = Reads({1})
#: Of the meeting outcomes it reads completed checklists and held meetings (a referral's student
#: meeting closes it) and skips the rest whatever their version.
READS_CHECKLISTS = Reads({1}, event_types={ChecklistCompleted.EVENT_TYPE, MeetingHeld.EVENT_TYPE})


def build_router(runtime: ServiceRuntime, deps: Deps) -> KafkaRouter:
    router = KafkaRouter()

    def observe(event_type: str, changed: bool, meta: Envelope) -> None:
        result = ApplyResult.APPLIED if changed else ApplyResult.DUPLICATE
        runtime.metrics.observe_applied(event_type, result, meta.time)

    @subscriber(router, runtime.naming, MEETING_OUTCOMES, runtime.group_id, reads=READS_CHECKLISTS)
    async def on_meeting_outcome(event: MeetingOutcomeEvent, meta: Envelope) -> None:
        if not isinstance(event, ChecklistCompleted):
            if event.referral_id is not None:  # a referral's student meeting recorded: closed in the same step
                observe(event.event_type, await student_meeting_held(event, deps), meta)
            return
        created = await refer_from_checklist(event, deps)
        observe(event.event_type, bool(created), meta)

    @subscriber(router, runtime.naming, MEETING_SCHEDULE, runtime.group_id, reads=READS)
    async def on_schedule(event: MeetingScheduleEvent, meta: Envelope) -> None:
        if isinstance(event, MeetingScheduled):
            if event.referral_id is None:
                return  # group meetings and student meetings not caused by a referral are not ours
            observe(event.event_type, await meeting_scheduled(event, deps), meta)
        elif event.kind == "student":
            observe(event.event_type, await meeting_changed(event, deps), meta)

    # Its own consumer group (the SIS views' consumer reads the same topic independently), in
    # batches: a full resync of the study rights is large and almost every record is "lasna",
    # which needs no store access at all. Each record is validated on its own; a bad one goes
    # to the dead-letter topic and the rest of the batch is handled.
    @batch_subscriber(router, runtime.naming, [SIS_STUDY_RIGHTS], runtime.group_id + "-valpas", max_records=2000)
    async def on_study_rights(msg: KafkaMessage) -> None:
        assert runtime.dead_letters is not None
        events = []
        for record in msg.raw_message:
            try:
                events.append(READS.read_record(record, _STUDY_RIGHT)[0])
            except ValueError as exc:  # pydantic ValidationError, InvalidEnvelope, UnsupportedSchemaVersion
                await runtime.dead_letters.dead_letter(record, exc)
        created = await valpas_from_study_rights(events, deps)
        if created:
            runtime.metrics.events_applied.labels(event_type="sis-study-right", result="valpas-task").inc(len(created))

    return router
