"""Which partitions a consumer cannot get past: the same offset failing again and again.

The dead-letter middleware reports every failed delivery (``failed``) and every handled one
(``progressed``). A partition whose first unhandled offset has been failing for longer than
``stuck_after_s`` is *stuck*: ``/health`` names it, and the gauge
``hoks_consumer_failing_since_timestamp_seconds`` (the time its current offset first failed)
lets an alert fire on it. A transient outage (store down) makes partitions stuck too, which is
true: nothing moves on them until it is back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from hoks_shared.metrics import ServiceMetrics


@dataclass
class Failing:
    offset: int
    since: float
    tries: int = 1


@dataclass(frozen=True)
class Stuck:
    group: str
    topic: str
    partition: int
    offset: int
    seconds: float
    tries: int

    def describe(self) -> str:
        return (f"{self.group} {self.topic}[{self.partition}] at offset {self.offset}: "
                f"{self.tries} tries in {self.seconds:.0f} s")


class PartitionProgress:
    def __init__(self, metrics: ServiceMetrics, stuck_after_s: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.metrics = metrics
        self.stuck_after_s = stuck_after_s
        self.clock = clock
        self._failing: dict[tuple[str, str, int], Failing] = {}

    def failed(self, group: str, topic: str, partition: int, offset: int) -> int:
        """One failed delivery; returns how many times in a row this offset has failed."""
        key = (group, topic, partition)
        current = self._failing.get(key)
        if current is not None and current.offset == offset:
            current.tries += 1
            return current.tries
        now = self.clock()
        self._failing[key] = Failing(offset, now)
        self.metrics.failing_since.labels(group=group, topic=topic, partition=str(partition)).set(now)
        return 1

    def progressed(self, group: str, topic: str, partition: int) -> None:
        if self._failing.pop((group, topic, partition), None) is not None:
            self.metrics.failing_since.remove(group, topic, str(partition))

    def stuck(self) -> list[Stuck]:
        now = self.clock()
        return sorted(
            (Stuck(g, t, p, f.offset, now - f.since, f.tries)
             for (g, t, p), f in self._failing.items() if now - f.since >= self.stuck_after_s),
            key=lambda s: (s.group, s.topic, s.partition))
