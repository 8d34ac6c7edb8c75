"""OIDs as the national services write them, and local ids built from document codes."""

from __future__ import annotations

import hashlib
import re

from hoks_shared.contracts.identifiers import OID_PATTERN

OID_RE = re.compile(OID_PATTERN)
LOCAL_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")  # the contracts' LocalId


def local_id(prefix: str, *parts: str) -> str:
    """``prefix-part-part`` when that is a valid local id; else the last part is replaced by a hash
    (codes of local units may hold spaces, letters with diacritics or be very long)."""
    plain = "-".join((prefix, *parts)).replace("/", ".")
    if LOCAL_ID_RE.match(plain):
        return plain
    digest = hashlib.sha256(parts[-1].encode()).hexdigest()[:16]
    return local_id(prefix, *parts[:-1], "h" + digest) if len(parts) > 1 else f"{prefix}-h{digest}"
