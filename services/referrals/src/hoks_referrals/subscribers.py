"""Kafka subscribers of the referrals service: checklists make referrals, the scheduler's
student-level meetings move them on, Koski study-right changes make Valpas tasks, and SIS
student and staff records route what waited for them.

Every domain consumer is a typed batch subscriber (``hoks_shared.messaging.typed_batches``): each
record is read on its own, a bad one is dead-lettered and the batch goes on, a transient failure
leaves the batch to come again, and a type this service does not read (a new event on a topic it
reads) is skipped and counted in ``hoks_events_not_read_total``, never dead-lettered. The events
of one key (one group's or student's meetings, one student's study rights) are applied in order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from faststream.kafka import KafkaMessage, KafkaRouter
from pydantic import TypeAdapter

from hoks_referrals.handlers import (
    Deps,
    RerouteWaiting,
    make_valpas_task,
    meeting_changed,
    meeting_scheduled,
    refer_from_checklist,
    reroute_waiting,
    student_meeting_held,
)
from hoks_shared.contracts.envelope import EventMeta
from hoks_shared.contracts.meetings import (
    ChecklistCompleted,
    MeetingCancelled,
    MeetingHeld,
    MeetingOutcomeEvent,
    MeetingRescheduled,
    MeetingScheduled,
    MeetingScheduleEvent,
)
from hoks_shared.contracts.sis import StaffUpserted, StudentUpserted, StudyRightStatus
from hoks_shared.messaging.broker import batch_subscriber
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.messaging.typed_batches import apply_batch, typed_batch_router
from hoks_shared.runtime.service import ServiceRuntime
from hoks_shared.store.idempotent import ApplyResult
from hoks_shared.topics import MEETING_OUTCOMES, MEETING_SCHEDULE, SIS_STUDY_RIGHTS

#: Of the meeting outcomes: completed checklists (they make referrals) and held meetings (a
#: referral's student meeting closes it).
READS_OUTCOMES = Reads({1}, event_types={ChecklistCompleted.EVENT_TYPE, MeetingHeld.EVENT_TYPE})
#: Of the calendar: a referral's student meeting planned, moved or cancelled.
READS_SCHEDULE = Reads({1}, event_types={MeetingScheduled.EVENT_TYPE, MeetingRescheduled.EVENT_TYPE,
                                          MeetingCancelled.EVENT_TYPE})
READS_STUDY_RIGHTS = Reads({1}, event_types={StudyRightStatus.EVENT_TYPE})
#: counted for an event this service reads whose meeting or status concerns no referral
NOT_OURS = "not-ours"
VALPAS_TASK = "valpas-task"
#: A full resync of the study rights is large and almost every record is "lasna", which needs no
#: store access at all: big batches.
STUDY_RIGHT_BATCH = 2000

_OUTCOME: TypeAdapter[MeetingOutcomeEvent] = TypeAdapter(MeetingOutcomeEvent)
_SCHEDULE: TypeAdapter[MeetingScheduleEvent] = TypeAdapter(MeetingScheduleEvent)
_STUDY_RIGHT: TypeAdapter[StudyRightStatus] = TypeAdapter(StudyRightStatus)


def _changed(changed: bool) -> str:
    return ApplyResult.APPLIED if changed else ApplyResult.DUPLICATE


def build_routers(runtime: ServiceRuntime, deps: Deps) -> list[KafkaRouter]:
    async def on_outcome(event: MeetingOutcomeEvent, _meta: EventMeta) -> str:
        if isinstance(event, ChecklistCompleted):
            return _changed(bool(await refer_from_checklist(event, deps)))
        if event.referral_id is None:
            return NOT_OURS
        return _changed(await student_meeting_held(event, deps))  # closed in the same step

    async def on_schedule(event: MeetingScheduleEvent, _meta: EventMeta) -> str:
        if isinstance(event, MeetingScheduled):
            if event.referral_id is None:
                return NOT_OURS  # group meetings and student meetings not caused by a referral
            return _changed(await meeting_scheduled(event, deps))
        if event.kind != "student":
            return NOT_OURS
        return _changed(await meeting_changed(event, deps))

    async def on_study_right(event: StudyRightStatus, _meta: EventMeta) -> str:
        return VALPAS_TASK if await make_valpas_task(event, deps) else NOT_OURS

    study_rights = KafkaRouter()

    # its own consumer group: the SIS views' consumer reads the same topic independently
    @batch_subscriber(study_rights, runtime.naming, [SIS_STUDY_RIGHTS], runtime.group_id + "-valpas",
                      max_records=STUDY_RIGHT_BATCH)
    async def on_study_rights(msg: KafkaMessage) -> None:
        await apply_batch(msg.raw_message, reads=READS_STUDY_RIGHTS, adapter=_STUDY_RIGHT, apply=on_study_right,
                          runtime=runtime)

    return [
        typed_batch_router(runtime, [MEETING_OUTCOMES], reads=READS_OUTCOMES, adapter=_OUTCOME, apply=on_outcome),
        typed_batch_router(runtime, [MEETING_SCHEDULE], reads=READS_SCHEDULE, adapter=_SCHEDULE, apply=on_schedule),
        study_rights,
    ]


def route_on_sis_records(deps: Deps) -> Callable[[Sequence[object]], Awaitable[None]]:
    """The SIS views' after-batch hook: SIS student or staff records arrived (the SIS views' consumer applied them): route what
    waited for those students or those units' staff, at once."""

    async def after_batch(events: Sequence[object]) -> None:
        students = frozenset(e.student_oid for e in events if isinstance(e, StudentUpserted))
        units = frozenset(u for e in events if isinstance(e, StaffUpserted) for u in e.unit_ids)
        if students or units:
            await reroute_waiting(RerouteWaiting(student_oids=students, unit_ids=units), deps)

    return after_batch
