"""Locks on entity ids: a batch waits only for the batches that write one of its entities.

The domain and SIS lanes both write students' entities (``stu|…``); a checklist's rows write
``cl|…`` entities that no SIS record touches. Locking the ids a batch touches, all at once (so two
batches never wait for each other in a cycle), lets a checklist pass a bulk SIS batch instead of
queueing behind it, while two batches that share an entity still apply one after the other.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager


class EntityLocks:
    def __init__(self) -> None:
        self._held: set[str] = set()
        self._released = asyncio.Condition()

    @asynccontextmanager
    async def holding(self, ids: Iterable[str]) -> AsyncIterator[None]:
        wanted = set(ids)
        async with self._released:
            await self._released.wait_for(lambda: not wanted & self._held)
            self._held |= wanted
        try:
            yield
        finally:
            async with self._released:
                self._held -= wanted
                self._released.notify_all()

    def held(self) -> frozenset[str]:
        return frozenset(self._held)
