"""Kafka subscribers of the scheduler: ``referral-made`` becomes a student-level meeting;
``meeting-held`` marks a planned meeting held (the plan overview shows held / not held).

Both through the typed batch subscriber: another event type on those topics (referral accepted,
closed, a type added later; a completed checklist) is skipped and counted, never dead-lettered; a
malformed event goes to the dead-letter topic. The referrals of a batch are applied one after
another in request order (made first, ties by id), whatever order their partitions were read in:
a later-made referral never takes a slot first only to give it up to an earlier-made one of the
same batch (``domain/student_meetings.py`` has the rule across batches)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from faststream.kafka import KafkaMessage, KafkaRouter
from pydantic import TypeAdapter

from hoks_scheduler.domain.student_meetings import referral_meeting_id
from hoks_scheduler.handlers.changes import on_meeting_held
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_scheduler.handlers.student_meetings import on_referral_made
from hoks_shared.contracts.envelope import EventMeta
from hoks_shared.contracts.meetings import MeetingHeld
from hoks_shared.contracts.referrals import ReferralMade
from hoks_shared.messaging.broker import batch_subscriber
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.messaging.typed_batches import DOMAIN_BATCH, apply_folded, typed_batch_router
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


class ReferralRefused(Exception):
    """A referral the use case refused for good (not a store or broker outage): dead-lettered."""

    def __init__(self, index: int, cause: Exception) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.index = index


@dataclass
class ReferralsApplied:
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    rejected: list[ReferralRefused] = field(default_factory=list)


def in_request_order(events: list[ReferralMade]) -> list[int]:
    """The batch's indexes, the earliest-made referral first (ties by its meeting id)."""
    return sorted(range(len(events)), key=lambda i: (events[i].made_at, referral_meeting_id(events[i].referral_id)))


def build_routers(runtime: ServiceRuntime, deps: SchedulerDeps) -> list[KafkaRouter]:
    sink = runtime.dead_letters
    assert sink is not None

    async def apply_referrals(events: list[ReferralMade]) -> ReferralsApplied:
        done = ReferralsApplied()
        for index in in_request_order(events):
            event = events[index]
            try:
                result = await on_referral_made(event, deps)
            except Exception as exc:
                if sink.is_transient(exc):
                    raise  # the batch comes again; what was applied before is found to exist
                done.rejected.append(ReferralRefused(index, exc))
                done.counts[(event.event_type, ApplyResult.REJECTED.value)] += 1
                continue
            log.info("referral handled", extra={"referral_id": event.referral_id, "status": result.status,
                                                "meeting_id": result.meeting_id, "reason": result.reason})
            done.counts[(event.event_type, _counted(result.status in ("scheduled", "pending")))] += 1
        return done

    async def on_held(event: MeetingHeld, _meta: EventMeta) -> str:
        return _counted(await on_meeting_held(event, deps))

    referrals = KafkaRouter()

    @batch_subscriber(referrals, runtime.naming, [REFERRALS], runtime.group_id, max_records=DOMAIN_BATCH)
    async def on_referrals(msg: KafkaMessage) -> None:
        await apply_folded(msg.raw_message, reads=READS_REFERRALS, adapter=_REFERRAL, apply_all=apply_referrals,
                           runtime=runtime)

    return [
        referrals,
        typed_batch_router(runtime, [MEETING_OUTCOMES], reads=READS_OUTCOMES, adapter=_HELD, apply=on_held),
    ]
