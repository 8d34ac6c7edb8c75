"""What applying one batch of SIS events did: counts by (event type, result), and the refusals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hoks_shared.sisviews.version_fold import Sections
from hoks_shared.store.idempotent import ApplyResult


class WriteRejected(Exception):
    """The store refused one update for a reason other than its version (not transient)."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


@dataclass
class BatchOutcome:
    counts: Counter[tuple[str, str]]
    rejected: list[WriteRejected]


@dataclass
class Tally:
    """Counts a batch's events by their result as the projection decides and writes them."""

    events: list[Any]
    outcome: BatchOutcome = field(default_factory=lambda: BatchOutcome(Counter(), []))

    def _count(self, indexes: list[int], result: ApplyResult) -> None:
        for index in indexes:
            self.outcome.counts[(self.events[index].event_type, result.value)] += 1

    def stale(self, indexes: list[int]) -> None:
        self._count(indexes, ApplyResult.STALE)

    def applied(self, sections: Sections) -> None:
        self._count([index for index, _ in sections], ApplyResult.APPLIED)

    def refused(self, sections: Sections, reason: str) -> None:
        self._count([index for index, _ in sections], ApplyResult.REJECTED)
        self.outcome.rejected += [WriteRejected(index, reason) for index, _ in sections]
