"""Reading several topics in step by record time, so that one entity's records share a batch.

A SIS resync publishes a student's records (student, HOKS, study rights, absences, credits) one
after another on seven topics, all keyed by the student. The consumer fetches each partition at
its own pace (a partition fetch is bytes, and a student has one record on one topic and a dozen
on another), so without help a student's records on the different topics arrive in batches far
apart: the view then writes the student several times instead of inserting it once, and on
FerretDB an update of an existing document costs ~10 inserts of a new one.

The rule, per batch:

* the **frontier** of a partition is the time of the last record it delivered; the **horizon**
  is the earliest frontier among the partitions the broker holds more records of (a partition
  that has delivered nothing yet is before every record);
* records up to the horizon, the ones carried from earlier batches first, are applied now;
  a partition's records after it are **carried** in memory to the next batch, the partition is
  paused (it is ahead) and its position set back to its first carried record, so a commit never
  covers a record not applied;
* a partition whose carried records are all applied moves on and is fetched again;
* partitions that are caught up never hold the others back, so live traffic (every partition
  caught up after each small batch) is applied whole, as before.

Nothing here decides correctness: a carried record lost with the process is read again from the
committed position, and the views' version checks make any order safe. It only decides which
records share a batch. No I/O: the consumer is driven through ``ConsumerControl``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiokafka import TopicPartition

#: The frontier of a partition that is behind but has delivered nothing yet: before every record.
NOT_STARTED = -1


class ConsumerControl(Protocol):
    """The parts of aiokafka's consumer this reading drives."""

    def seek(self, partition: TopicPartition, offset: int) -> None: ...
    def pause(self, *partitions: TopicPartition) -> None: ...
    def resume(self, *partitions: TopicPartition) -> None: ...


@dataclass(frozen=True)
class Progress:
    """A partition as the consumer sees it: its position and the broker's end (None: not known)."""

    position: int
    end: int | None


@dataclass
class InStepReading:
    """What this consumer knows of its partitions' progress (cleared on every rebalance)."""

    frontier: dict[TopicPartition, int] = field(default_factory=dict)
    delivered_to: dict[TopicPartition, int] = field(default_factory=dict)
    carried: dict[TopicPartition, list[Any]] = field(default_factory=dict)
    horizon: int | None = None

    def forget(self) -> None:
        self.frontier.clear()
        self.delivered_to.clear()
        self.carried.clear()
        self.horizon = None

    def take(self, records: Sequence[Any], progress: Mapping[TopicPartition, Progress]) -> list[Any]:
        """The records to apply now: the carried ones and ``records`` up to the horizon, in
        order per partition; the rest is carried. ``progress``: every assigned partition."""
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            self.carried.setdefault(tp, []).append(record)
            self.frontier[tp] = record.timestamp
            self.delivered_to[tp] = record.offset + 1
        self.horizon = self._horizon(progress)
        now: list[Any] = []
        for tp in list(self.carried):
            waiting = self.carried[tp]
            split = len(waiting) if self.horizon is None else \
                next((i for i, r in enumerate(waiting) if r.timestamp > self.horizon), len(waiting))
            now += waiting[:split]
            if split == len(waiting):
                del self.carried[tp]
            else:
                self.carried[tp] = waiting[split:]
        return now

    def _horizon(self, progress: Mapping[TopicPartition, Progress]) -> int | None:
        frontiers = [self.frontier.get(tp, NOT_STARTED) for tp, seen in progress.items()
                     if seen.end is not None and self.delivered_to.get(tp, seen.position) < seen.end]
        return min(frontiers) if frontiers else None

    def steer(self, consumer: ConsumerControl, paused: set[TopicPartition]) -> None:
        """After the records taken were applied: a partition carrying records is paused at its
        first carried one; a paused one that carries nothing any more moves on and resumes."""
        for tp, waiting in self.carried.items():
            consumer.seek(tp, waiting[0].offset)
        if ahead := [tp for tp in self.carried if tp not in paused]:
            consumer.pause(*ahead)
        if done := [tp for tp in paused if tp not in self.carried]:
            for tp in done:
                if tp in self.delivered_to:
                    consumer.seek(tp, self.delivered_to[tp])
            consumer.resume(*done)

    def release(self, consumer: ConsumerControl, paused: set[TopicPartition]) -> None:
        """The batch failed and is redelivered from its start; the carried records are read again
        from the positions they were paused at."""
        if paused:
            consumer.resume(*paused)
        self.forget()


async def partition_progress(consumer: Any) -> dict[TopicPartition, Progress]:
    """Every assigned partition's position and end as the consumer last saw them."""
    return {tp: Progress(await consumer.position(tp), consumer.highwater(tp)) for tp in consumer.assignment()}
