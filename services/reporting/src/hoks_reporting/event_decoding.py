"""Kafka records → typed events, for the live consumer and the replay alike."""

from __future__ import annotations

import hashlib
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
#: The reporting service's own topic of single-row checklists (see ``adapters.internal_topics``).
CHECKLIST_ROWS = "hoks.reporting.checklist-rows.v1"

_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    SIS_STUDENTS.name: TypeAdapter(SisEvent), SIS_HOKS.name: TypeAdapter(SisEvent),
    SIS_STUDY_RIGHTS.name: TypeAdapter(SisEvent), SIS_ABSENCES.name: TypeAdapter(SisEvent),
    MEETING_SCHEDULE.name: TypeAdapter(MeetingScheduleEvent), MEETING_OUTCOMES.name: TypeAdapter(MeetingOutcomeEvent),
    REFERRALS.name: TypeAdapter(ReferralEvent), CHECKLIST_ROWS: TypeAdapter(MeetingOutcomeEvent),
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


class HistoryDecoder:
    """``decode`` for reading a history from the beginning (the replay).

    A full SIS resync publishes every record again, mostly with the very same body. A body
    byte-identical to one already decoded on the same topic decodes to the same event, and the
    report's merge rules make a repeated event change nothing; so a repeat has only its envelope
    and version checked (a broken envelope is still a contract violation) and is not decoded again.
    """

    def __init__(self, naming: TopicNaming) -> None:
        self.naming = naming
        self._seen: set[bytes] = set()
        self.repeats = 0

    def __call__(self, record: Any) -> Any | None:
        """The event; ``None`` for a repeat of an event already returned; ``ValueError`` as ``decode``."""
        digest = hashlib.blake2b(record.value or b"", digest_size=16, person=record.topic.encode()[-16:]).digest()
        if digest in self._seen:
            headers = {k: v for k, v in (record.headers or ())}
            READS.check(headers, None)
            EventMeta.from_headers(headers)
            self.repeats += 1
            return None
        event, _ = decode(record, self.naming)
        self._seen.add(digest)
        return event
