"""A feed record: one SIS event with its Kafka key, CloudEvents headers and deterministic id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hoks_shared.contracts.envelope import deterministic_event_id, envelope_for
from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.topics import TopicNaming, topic_of

SOURCE = "/hoks/sis-feed"


@dataclass(frozen=True)
class FeedRecord:
    topic: str
    key: str
    headers: dict[str, str]
    value: dict[str, Any]

    def to_json_line(self) -> str:
        return json.dumps({"topic": self.topic, "key": self.key, "headers": self.headers, "value": self.value},
                          ensure_ascii=False, sort_keys=True)


def feed_record(event: IntegrationEvent, naming: TopicNaming = TopicNaming()) -> FeedRecord:
    """The record of an SIS event. Its id depends only on the entity and its source version, so a
    replayed or re-converted document yields the same event id."""
    entity = event.partition_key() + "/" + event.subject()
    version = str(getattr(event, "source_version", ""))
    meta = envelope_for(event, source=SOURCE, event_id=deterministic_event_id(event.EVENT_TYPE, entity, version))
    return FeedRecord(naming.name(topic_of(event)), event.partition_key(), meta.to_headers(),
                      event.model_dump(mode="json"))
