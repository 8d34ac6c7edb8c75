"""Whose turn it is at the store: a domain event's writes go before the bulk lanes' next ones.

One process runs three consumers that write report documents: the domain lane (a completed
checklist, a meeting, a referral: a few documents, wanted in the report at once), the SIS lane (a
resync: thousands of students) and the aggregates stage. The embedded store applies one write at a
time, so a checklist's write queued behind the bulk lanes' commands waits for all of them. Here a
bulk lane's store call waits while a domain call is waiting or running; a domain call never waits
for the turns (at most for the one bulk command the store is already applying). The bulk lanes
keep the store busy whenever no domain event is there, so their throughput is what the domain
events leave them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from hoks_reporting.handlers.ports import ReportStore


class StoreTurns:
    def __init__(self) -> None:
        self._urgent = 0
        self._clear = asyncio.Event()
        self._clear.set()

    @asynccontextmanager
    async def urgent(self) -> AsyncIterator[None]:
        self._urgent += 1
        self._clear.clear()
        try:
            yield
        finally:
            self._urgent -= 1
            if not self._urgent:
                self._clear.set()

    @asynccontextmanager
    async def bulk(self) -> AsyncIterator[None]:
        while not self._clear.is_set():
            await self._clear.wait()
        yield


class TakingTurns:
    """A ``ReportStore`` whose calls take their turn (``urgent``: the domain lane's; else bulk)."""

    def __init__(self, inner: ReportStore, turns: StoreTurns, *, urgent: bool) -> None:
        self.inner = inner
        self.turn = turns.urgent if urgent else turns.bulk

    async def load(self, collection: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        async with self.turn():
            return await self.inner.load(collection, ids)

    async def save(self, collection: str, docs: Sequence[dict[str, Any]]) -> None:
        async with self.turn():
            await self.inner.save(collection, docs)

    async def delete(self, collection: str, ids: Sequence[str]) -> None:
        async with self.turn():
            await self.inner.delete(collection, ids)
