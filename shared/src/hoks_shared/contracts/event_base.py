"""The base class of every integration event.

Versioning rules (see README "Event contracts"):

* A change inside a version is additive only: new fields are optional with a default.
  Readers ignore fields they do not know (``extra="ignore"``), so old and new versions read
  each other. ``tests/contracts`` proves it against committed sample events and JSON Schemas.
* A breaking change makes a new ``schema_version`` (a new JSON Schema file); consumers upcast.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class IntegrationEvent(BaseModel):
    """An event body. Its CloudEvents attributes travel in Kafka headers (binary mode)."""

    model_config = ConfigDict(extra="ignore", frozen=True, use_enum_values=True)

    #: The short kebab-case type, e.g. ``meeting-scheduled``; also the ``event_type`` field value.
    EVENT_TYPE: ClassVar[str]
    #: The major schema version. Additive changes keep it.
    SCHEMA_VERSION: ClassVar[int] = 1

    schema_version: int = 1

    def partition_key(self) -> str:
        """The Kafka key: the student or group id, so that entity's events keep their order."""
        raise NotImplementedError

    def subject(self) -> str:
        """The CloudEvents ``subject``: the id of the thing the event is about."""
        return self.partition_key()

    @classmethod
    def cloudevents_type(cls) -> str:
        return f"fi.hoks.followup.{cls.EVENT_TYPE}"

    @classmethod
    def dataschema(cls) -> str:
        return f"urn:hoks-followup:schema:{cls.EVENT_TYPE}:v{cls.SCHEMA_VERSION}"
