"""Kafka records → typed report events, for the live consumers and the replay alike.

Every event type on the report's topics is one the report is computed from, so one union adapter
reads them all; ``READS`` names those types, so another type added to one of the topics is skipped
and counted (``hoks_events_not_read_total``), never dead-lettered (issue 20's policy).
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter

from hoks_reporting.domain.projection import REPORTED_EVENTS
from hoks_shared.contracts.envelope import InvalidEnvelope
from hoks_shared.messaging.schema_versions import Reads
from hoks_shared.topics import (
    MEETING_OUTCOMES,
    MEETING_SCHEDULE,
    REFERRALS,
    SIS_ABSENCES,
    SIS_HOKS,
    SIS_STUDENTS,
    SIS_STUDY_RIGHTS,
    Topic,
)

#: The domain events the report is computed from (few, and wanted in the report at once).
DOMAIN_TOPICS: tuple[Topic, ...] = (MEETING_SCHEDULE, MEETING_OUTCOMES, REFERRALS)
#: The SIS feeds the report is computed from (bulky in a resync).
SIS_REPORT_TOPICS: tuple[Topic, ...] = (SIS_STUDENTS, SIS_HOKS, SIS_STUDY_RIGHTS, SIS_ABSENCES)
#: Every topic the report is computed from.
REPORT_TOPICS: tuple[Topic, ...] = SIS_REPORT_TOPICS + DOMAIN_TOPICS
#: The reporting service's own topic of single-row checklists (see ``adapters.internal_topics``).
CHECKLIST_ROWS = "hoks.reporting.checklist-rows.v1"

#: any report event, told apart by its ``event_type``
REPORT_EVENT: TypeAdapter[Any] = TypeAdapter(
    Annotated[Union[REPORTED_EVENTS], Field(discriminator="event_type")])  # type: ignore[valid-type]  # noqa: UP007
#: The major schema versions and the event types the report is written for (the replay reads alike).
READS = Reads({1}, event_types={cls.EVENT_TYPE for cls in REPORTED_EVENTS})

_REQUIRED_HEADERS = ("ce_id", "ce_source", "ce_type", "ce_time")


class HistoryDecoder:
    """Reading a history from the beginning (the replay), as the live consumers read it.

    A full SIS resync publishes every record again, mostly with the very same body. A body
    byte-identical to one already read on the same topic reads as the same event, and the report's
    merge rules make a repeated event change nothing (valid or not, it cannot change a document);
    so a repeat has only its version and its envelope's presence checked and is not decoded again.
    """

    def __init__(self) -> None:
        self._seen: set[bytes] = set()
        self.repeats = 0
        self.not_read = 0

    def __call__(self, record: Any) -> Any | None:
        """The event; ``None`` for a repeat or a type the report does not read; ``ValueError``
        (a contract violation: the live consumer dead-letters it) as ``Reads.read_record``."""
        if not READS.reads_type_of(record):
            self.not_read += 1
            return None
        digest = hashlib.blake2b(record.value or b"", digest_size=16, person=record.topic.encode()[-16:]).digest()
        if digest in self._seen:
            headers = dict(record.headers or ())
            READS.check(headers, None)
            missing = [name for name in _REQUIRED_HEADERS if not headers.get(name)]
            if missing:
                raise InvalidEnvelope(f"missing CloudEvents header(s): {', '.join(missing)}")
            self.repeats += 1
            return None
        event, _ = READS.read_record(record, REPORT_EVENT)
        self._seen.add(digest)
        return event
