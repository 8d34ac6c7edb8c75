"""CloudEvents 1.0 envelope in Kafka binary mode: attributes as ``ce_*`` headers, data as body."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hoks_shared.contracts.event_base import IntegrationEvent

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"


class EventMeta(BaseModel):
    """The CloudEvents context attributes of one event, as read back from Kafka headers."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    specversion: str = SPECVERSION
    time: datetime
    subject: str | None = None
    dataschema: str | None = None

    @field_validator("specversion")
    @classmethod
    def _only_1_0(cls, value: str) -> str:
        if value != SPECVERSION:
            raise ValueError(f"unsupported CloudEvents specversion {value!r}")
        return value

    @field_validator("time")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("ce_time must carry a time zone")
        return value

    def to_headers(self) -> dict[str, str]:
        headers = {
            "ce_specversion": self.specversion,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_time": self.time.isoformat(),
            "content-type": CONTENT_TYPE,
        }
        if self.subject is not None:
            headers["ce_subject"] = self.subject
        if self.dataschema is not None:
            headers["ce_dataschema"] = self.dataschema
        return headers

    @classmethod
    def from_headers(cls, headers: dict[str, Any]) -> EventMeta:
        """Read the ``ce_*`` headers; raises ``InvalidEnvelope`` naming what is wrong."""

        def text(name: str) -> str | None:
            value = headers.get(name)
            if isinstance(value, bytes):
                return value.decode("utf-8", errors="replace")
            return value

        missing = [n for n in ("ce_id", "ce_source", "ce_type", "ce_time") if not text(n)]
        if missing:
            raise InvalidEnvelope(f"missing CloudEvents header(s): {', '.join(missing)}")
        try:
            return cls(
                id=text("ce_id"),
                source=text("ce_source"),
                type=text("ce_type"),
                specversion=text("ce_specversion") or SPECVERSION,
                time=text("ce_time"),
                subject=text("ce_subject"),
                dataschema=text("ce_dataschema"),
            )
        except ValidationError as exc:
            raise InvalidEnvelope(f"invalid CloudEvents headers: {exc.errors()[0]['msg']}") from exc


class InvalidEnvelope(ValueError):
    """The Kafka headers do not form a valid CloudEvents envelope."""


CloudEventHeaders = dict[str, str]


def envelope_for(
    event: IntegrationEvent,
    *,
    source: str,
    event_id: str | None = None,
    time: datetime | None = None,
) -> EventMeta:
    """The envelope of an event produced now. ``event_id`` should be deterministic where a
    retry could produce the event again, so consumers can drop the duplicate."""
    return EventMeta(
        id=event_id or str(uuid.uuid4()),
        source=source,
        type=event.cloudevents_type(),
        time=time or datetime.now(UTC),
        subject=event.subject(),
        dataschema=event.dataschema(),
    )


def deterministic_event_id(*parts: str) -> str:
    """A stable event id from the facts that make the event unique (uuid5)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "hoks-followup:" + "/".join(parts)))
