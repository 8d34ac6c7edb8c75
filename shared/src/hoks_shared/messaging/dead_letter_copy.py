"""The dead-letter copy of a record, cut to fit the broker's size limit.

A record that fails because it is too big (or merely close to the limit) would otherwise make a
dead-letter copy bigger than the broker accepts: the copy is refused, the record redelivered, and
the partition stops for good. So the copy is measured the way the producer measures it
(``DefaultRecordBatchBuilder.estimate_size_in_bytes``) and, when it would not fit, the value is
stored truncated with its original size and SHA-256 in headers; the original coordinates
(``dlq_original_topic/partition/offset``) are always there, so the full record can be read back
from the source topic while it is retained.

Original headers are kept too, each clipped, and only as many as fit a fixed share of the limit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from aiokafka.record.default_records import DefaultRecordBatchBuilder

#: Headers the producer library adds on publish (correlation id, content type) and rounding.
PUBLISH_MARGIN = 1024
#: At most this many bytes of one original header value are copied.
HEADER_VALUE_MAX = 4096
#: At most this share of the limit is spent on the original headers.
ORIGINAL_HEADERS_SHARE = 16
#: A key longer than this is cut (the dead-letter topics have one partition: the key only informs).
KEY_MAX = 1024


@dataclass(frozen=True)
class DeadLetterCopy:
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @property
    def truncated(self) -> bool:
        return self.headers.get("dlq_truncated") == "true"


def record_size(key: bytes | None, value: bytes | None, headers: Mapping[str, str]) -> int:
    """The producer's upper-bound estimate of one record's size on the wire."""
    return DefaultRecordBatchBuilder.estimate_size_in_bytes(
        key, value, [(k, v.encode()) for k, v in headers.items()])


def clip_text(text: str, max_bytes: int) -> str:
    """At most ``max_bytes`` of UTF-8, never cutting a character in two."""
    raw = text.encode()
    return text if len(raw) <= max_bytes else raw[:max_bytes].decode(errors="ignore")


def fitting_copy(value: bytes, key: bytes | None, original_headers: Mapping[str, str],
                 added_headers: Mapping[str, str], limit: int) -> DeadLetterCopy:
    """The copy to publish: unchanged when it fits ``limit`` bytes, else with the value truncated."""
    budget = limit // ORIGINAL_HEADERS_SHARE
    headers: dict[str, str] = {}
    dropped = 0
    for name, text in original_headers.items():
        if name in added_headers:
            continue
        clipped = clip_text(text, HEADER_VALUE_MAX)
        cost = len(name.encode()) + len(clipped.encode()) + 10
        if cost > budget:
            dropped += 1
            continue
        headers[name] = clipped
        budget -= cost
    headers.update(added_headers)
    if dropped:
        headers["dlq_headers_dropped"] = str(dropped)
    if key is not None and len(key) > KEY_MAX:
        headers["dlq_original_key_size"] = str(len(key))
        key = key[:KEY_MAX]
    if record_size(key, value, headers) + PUBLISH_MARGIN <= limit:
        return DeadLetterCopy(key, value, headers)
    headers.update({
        "dlq_truncated": "true",
        "dlq_original_size": str(len(value)),
        "dlq_original_sha256": hashlib.sha256(value).hexdigest(),
        "content-type": "application/octet-stream",
    })
    # measured with an empty value; 8 bytes for the longer length varints of the real one
    room = limit - PUBLISH_MARGIN - record_size(key, b"", headers) - 8
    return DeadLetterCopy(key, value[: max(0, room)], headers)
