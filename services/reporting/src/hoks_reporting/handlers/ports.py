"""What the use cases need from the outside, as Protocols (the adapters implement them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from hoks_reporting.domain.figures import FigureRules
from hoks_reporting.domain.projection import Changes
from hoks_reporting.domain.students import StudentRules

#: the two collections of report documents: source entities, and aggregates
ENTITIES = "report_entities"
AGGREGATES = "report_aggregates"


class ReportReader(Protocol):
    async def load(self, collection: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]: ...


class ReportStore(ReportReader, Protocol):
    """Report documents by ``_id``; this process is their only writer (see ``subscribers``)."""

    async def save(self, collection: str, docs: Sequence[dict[str, Any]]) -> None: ...

    async def delete(self, collection: str, ids: Sequence[str]) -> None: ...


class MemberChanges(Protocol):
    """Hands aggregate member changes to the writer of each aggregate (``adapters.internal_topics``:
    a topic keyed by the aggregate's owner); returns once they are stored there."""

    async def publish(self, changes: Changes) -> None: ...


class EntityLocking(Protocol):
    """Holds entity ids for one batch: another batch touching one of them waits."""

    def holding(self, ids: Iterable[str]) -> AbstractAsyncContextManager[None]: ...


@dataclass(frozen=True)
class ProjectionDeps:
    """What folding events into the report needs (one process: the replay, the tests)."""

    store: ReportStore
    rules: StudentRules = StudentRules()


@dataclass(frozen=True)
class StageDeps:
    """The same in two partitioned stages: members go to their aggregate's writer, entity writes
    of the two consumer lanes wait for each other only when they share an entity."""

    store: ReportStore
    member_changes: MemberChanges
    locks: EntityLocking
    rules: StudentRules = StudentRules()


@dataclass(frozen=True)
class ReadDeps:
    reader: ReportReader
    rules: FigureRules = FigureRules()
