"""What one source entity (a checklist row, a meeting, a student) adds to one aggregate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Contribution:
    """Member ``member`` of aggregate ``agg`` with these counters (zeros left out)."""

    agg: str
    member: str
    counters: dict[str, int] = field(default_factory=dict)
    group: str | None = None

    def to_doc(self) -> dict[str, Any]:
        return {"agg": self.agg, "m": self.member, "c": dict(self.counters), "g": self.group}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Contribution:
        return cls(doc["agg"], doc["m"], dict(doc["c"]), doc.get("g"))


def counters(**flags: int | bool) -> dict[str, int]:
    """Counter dict without zeros (sparse documents stay small)."""
    return {k: int(v) for k, v in flags.items() if v}


def academic_year(day: date) -> str:
    """The academic year (1 Aug – 31 Jul) a day belongs to, written ``2026-2027``."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


def safe_key(identifier: str) -> str:
    """An id usable as a document field name (no dots or dollars)."""
    return identifier.replace(".", "_").replace("$", "_")
