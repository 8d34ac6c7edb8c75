"""The major schema versions a consumer reads; any other major goes to the dead-letter topic.

An event carries its major version twice: ``schema_version`` in the body and ``:v<major>`` at the
end of ``ce_dataschema`` (``urn:hoks-followup:schema:<type>:v1``; a minor may follow, ``v1.2``).
A minor change is additive (new optional fields, see ``contracts.event_base``): it keeps the
major and is read as before, its unknown fields ignored. A new major may change the meaning of
fields a reader knows, so a reader that was not written for it must not apply it: it is
dead-lettered with the reason ``unsupported-schema-version`` (``dlq_reason_code`` header).

Every consumer declares what it reads:

* single-record subscribers: ``subscriber(..., reads=Reads({1}))`` checks before decoding;
* batch handlers read each raw record through ``reads.read_record(record, adapter)``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from hoks_shared.contracts.envelope import EventMeta

REASON_CODE = "unsupported-schema-version"
_DATASCHEMA_MAJOR = re.compile(r":v(\d+)(?:\.\d+)*$")


class UnsupportedSchemaVersion(ValueError):
    """The event's major schema version is not one this consumer reads."""

    reason_code = REASON_CODE

    def __init__(self, found: int, reads: Iterable[int], where: str) -> None:
        self.found = found
        self.reads = sorted(reads)
        super().__init__(f"{REASON_CODE}: {where} says major version {found}; "
                         f"this consumer reads {', '.join(str(v) for v in self.reads)}")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def dataschema_major(dataschema: str | None) -> int | None:
    match = _DATASCHEMA_MAJOR.search(dataschema or "")
    return int(match.group(1)) if match else None


def body_major(body: Any) -> int | None:
    """``schema_version`` of a decoded body: an int, or a string whose first part is one."""
    if not isinstance(body, Mapping) or "schema_version" not in body:
        return None
    version = body["schema_version"]
    if isinstance(version, bool):
        return None
    if isinstance(version, int):
        return version
    if isinstance(version, str) and re.fullmatch(r"\d+(\.\d+)*", version):
        return int(version.split(".", 1)[0])
    return None  # not a version at all: the contract's own validation names it


@dataclass(frozen=True)
class Reads:
    """The majors a consumer reads; with ``event_types``, only those types are checked (a consumer
    that skips the other events of its topic does not dead-letter them for their version)."""

    majors: frozenset[int]
    event_types: frozenset[str] | None = None

    def __init__(self, majors: Iterable[int], event_types: Iterable[str] | None = None) -> None:
        object.__setattr__(self, "majors", frozenset(majors))
        object.__setattr__(self, "event_types", None if event_types is None else frozenset(event_types))
        if not self.majors:
            raise ValueError("a consumer reads at least one major version")

    def _concerns(self, headers: Mapping[str, Any], body: Any) -> bool:
        if self.event_types is None:
            return True
        event_type = body.get("event_type") if isinstance(body, Mapping) else None
        if not isinstance(event_type, str):  # from the envelope: fi.hoks.followup.<type>
            event_type = (_text(headers.get("ce_type")) or "").rsplit(".", 1)[-1]
        return event_type in self.event_types

    def reads_type_of(self, record: Any) -> bool:
        """Whether a raw record's type (from its ``ce_type`` header) is one this consumer reads.
        Without declared ``event_types``, or without the header, the contract decides."""
        if self.event_types is None:
            return True
        headers = {k: v for k, v in (record.headers or ())}
        ce_type = _text(headers.get("ce_type"))
        return ce_type is None or ce_type.rsplit(".", 1)[-1] in self.event_types

    def check(self, headers: Mapping[str, Any], body: Any) -> None:
        """Raises ``UnsupportedSchemaVersion`` when the header or the body names another major."""
        if not self._concerns(headers, body):
            return
        found = dataschema_major(_text(headers.get("ce_dataschema")))
        if found is not None and found not in self.majors:
            raise UnsupportedSchemaVersion(found, self.majors, "ce_dataschema")
        found = body_major(body)
        if found is not None and found not in self.majors:
            raise UnsupportedSchemaVersion(found, self.majors, "schema_version")

    def read_record(self, record: Any, adapter: TypeAdapter[Any]) -> tuple[Any, EventMeta]:
        """A raw Kafka record as (typed event, envelope); ``ValueError`` (for the dead-letter
        topic) when the envelope, the version or the body is not one this consumer reads.

        The body is parsed once on the usual path; only a record that fails validation is
        parsed again, to tell an unknown major from a plain contract violation."""
        headers = {k: v for k, v in (record.headers or ())}
        self.check(headers, None)
        meta = EventMeta.from_headers(headers)
        try:
            event = adapter.validate_json(record.value or b"")
        except ValidationError:
            self.check(headers, _loads_quietly(record.value))
            raise
        self.check(headers, {"schema_version": getattr(event, "schema_version", None)})
        return event, meta

    async def decoder(self, msg: Any, original: Callable[[Any], Awaitable[Any]]) -> Any:
        """A FastStream decoder: the version check before the usual decoding."""
        body = await original(msg)
        self.check(msg.headers or {}, body)
        return body


def _loads_quietly(value: bytes | None) -> Any:
    try:
        return json.loads(value or b"")
    except ValueError:
        return None


#: What every consumer reads today: the first major of every contract.
READS_V1 = Reads({1})
