"""The share of the store's time a service's bulk SIS ingestion may take.

A full SIS resync is tens of thousands of store commands in a row; the domain consumers of the
same service (a ``meeting-scheduled`` to apply, a page to show) share the process's event loop,
the store's connection pool and, on the embedded FerretDB, one SQLite database file with it.
Every store command of the SIS views runs inside ``StoreBudget.spend``: at most ``concurrency``
of them at a time, and after each a pause so that they keep the store busy at most ``share``
of the time (a command that took 40 ms at share 0.5 is followed by 40 ms of nothing from this
consumer). The pause is where the domain consumers' commands get through. A share of 1 is no
limit (a bench's or a replay's own process).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class StoreBudget:
    def __init__(self, share: float = 1.0, concurrency: int = 8) -> None:
        if not 0 < share <= 1:
            raise ValueError(f"the SIS ingestion's share of the store is in (0, 1], not {share}")
        self.share = share
        self.concurrency = concurrency
        self._gate = asyncio.Semaphore(concurrency)
        self.busy_s = 0.0
        self.paused_s = 0.0

    def pause_after(self, took_s: float) -> float:
        """The pause that keeps a command of ``took_s`` within the share."""
        return took_s * (1 - self.share) / self.share

    @asynccontextmanager
    async def spend(self) -> AsyncIterator[None]:
        async with self._gate:
            started = time.monotonic()
            try:
                yield
            finally:
                took = time.monotonic() - started
                self.busy_s += took
        pause = self.pause_after(took)
        if pause > 0:
            self.paused_s += pause
            await asyncio.sleep(pause)
