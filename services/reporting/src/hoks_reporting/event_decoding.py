"""Kafka records → typed events, for the live consumer and the replay alike."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from hoks_shared.contracts.envelope import EventMeta
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.contracts.meetings import MeetingOutcomeEvent, MeetingScheduleEvent
from hoks_shared.contracts.referrals import ReferralEvent
from hoks_shared.contracts.sis import SisEvent
from hoks_shared.topics import (
    MEETING_OUTCOMES,
    MEETING_SCHEDULE,
    REFERRALS,
    SIS_ABSENCES,
    SIS_HOKS,
    SIS_STUDENTS,
    SIS_STUDY_RIGHTS,
    Topic,
    TopicNaming,
)

#: The domain events the report is computed from (few, and wanted in the report at once).
DOMAIN_TOPICS: tuple[Topic, ...] = (MEETING_SCHEDULE, MEETING_OUTCOMES, REFERRALS)
#: The SIS feeds the report is computed from (bulky in a resync).
SIS_REPORT_TOPICS: tuple[Topic, ...] = (SIS_STUDENTS, SIS_HOKS, SIS_STUDY_RIGHTS, SIS_ABSENCES)
#: Every topic the report is computed from.
REPORT_TOPICS: tuple[Topic, ...] = SIS_REPORT_TOPICS + DOMAIN_TOPICS

_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    SIS_STUDENTS.name: TypeAdapter(SisEvent), SIS_HOKS.name: TypeAdapter(SisEvent),
    SIS_STUDY_RIGHTS.name: TypeAdapter(SisEvent), SIS_ABSENCES.name: TypeAdapter(SisEvent),
    MEETING_SCHEDULE.name: TypeAdapter(MeetingScheduleEvent), MEETING_OUTCOMES.name: TypeAdapter(MeetingOutcomeEvent),
    REFERRALS.name: TypeAdapter(ReferralEvent),
}


#: The major schema versions the report is written for (the replay reads alike).
READS = Reads({1})


def decode(record: Any, naming: TopicNaming) -> tuple[Any, EventMeta]:
    """The event and its envelope; ``ValueError`` when the record breaks the contract."""
    name = record.topic[len(naming.prefix):] if record.topic.startswith(naming.prefix) else record.topic
    adapter = _ADAPTERS.get(name)
    if adapter is None:
        raise ValueError(f"the report does not read topic {record.topic}")
    event, meta = READS.read_record(record, adapter)
    return event, meta
