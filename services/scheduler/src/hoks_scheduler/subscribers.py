"""Kafka subscribers of the scheduler: ``referral-made`` becomes a student-level meeting;
``meeting-held`` marks a planned meeting held (the plan overview shows held / not held).

Both through the typed batch subscriber: another event type on those topics (referral accepted,
closed, a type added later; a completed checklist) is skipped and counted, never dead-lettered; a
malformed event goes to the dead-letter topic. Events are applied one after another
(``concurrency`` 1): a student meeting's slot is chosen over the meetings placed before it."""

from __future__ import annotations

import logging

from faststream.kafka import KafkaRouter
from pydantic import TypeAdapter

from hoks_scheduler.handlers.changes import on_meeting_held
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_scheduler.handlers.student_meetings import on_referral_made
from hoks_shared.contracts.envelope import EventMeta
from hoks_shared.contracts.meetings import MeetingHeld
from hoks_shared.contracts.referrals import ReferralMade
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.messaging.typed_batches import typed_batch_router
from hoks_shared.runtime.service import ServiceRuntime
from hoks_shared.store.idempotent import ApplyResult
from hoks_shared.topics import MEETING_OUTCOMES, REFERRALS

log = logging.getLogger(__name__)

#: The major schema versions and the types of the events this service reads on each topic.
READS_REFERRALS = Reads({1}, event_types={ReferralMade.EVENT_TYPE})
READS_OUTCOMES = Reads({1}, event_types={MeetingHeld.EVENT_TYPE})
_REFERRAL: TypeAdapter[ReferralMade] = TypeAdapter(ReferralMade)
_HELD: TypeAdapter[MeetingHeld] = TypeAdapter(MeetingHeld)


def _counted(changed: bool) -> str:
    return ApplyResult.APPLIED if changed else ApplyResult.DUPLICATE


def build_routers(runtime: ServiceRuntime, deps: SchedulerDeps) -> list[KafkaRouter]:
    async def on_referral(event: ReferralMade, _meta: EventMeta) -> str:
        result = await on_referral_made(event, deps)
        log.info("referral handled", extra={"referral_id": event.referral_id, "status": result.status,
                                            "meeting_id": result.meeting_id, "reason": result.reason})
        return _counted(result.status == "scheduled")

    async def on_held(event: MeetingHeld, _meta: EventMeta) -> str:
        return _counted(await on_meeting_held(event, deps))

    return [
        typed_batch_router(runtime, [REFERRALS], reads=READS_REFERRALS, adapter=_REFERRAL, apply=on_referral),
        typed_batch_router(runtime, [MEETING_OUTCOMES], reads=READS_OUTCOMES, adapter=_HELD, apply=on_held),
    ]
