"""Run an async callable every N seconds in the background (metric refreshers, lag collection).

A failing run is logged and counted; the next one happens on schedule. ``stop`` cancels a run
in progress, so a slow dependency never holds up shutdown.

A run's store calls end by PyMongo's own timeout (``pymongo.timeout``) before the run would be
cancelled: a PyMongo call cancelled while it selects a server can leave its client broken for
good (see ``store.client.ping``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import pymongo

log = logging.getLogger(__name__)

#: A run is cancelled this long after its store calls have timed out on their own.
CANCEL_GRACE_S = 2.0


class PeriodicTask:
    def __init__(
        self,
        name: str,
        run: Callable[[], Awaitable[None]],
        every_s: float,
        *,
        timeout_s: float | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        if every_s <= 0:
            raise ValueError(f"{name}: every_s must be positive, got {every_s}")
        self.name = name
        self.every_s = every_s
        self.timeout_s = timeout_s if timeout_s is not None else max(every_s, 5.0)
        self._run = run
        self._on_error = on_error
        self._task: asyncio.Task[None] | None = None
        self.runs = 0
        self.failures = 0

    async def run_once(self) -> bool:
        """One run; True when it succeeded."""
        self.runs += 1
        try:
            with pymongo.timeout(self.timeout_s):
                await asyncio.wait_for(self._run(), self.timeout_s + CANCEL_GRACE_S)
            return True
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one failed run must not stop the schedule
            self.failures += 1
            log.warning("periodic task failed", extra={"task": self.name, "error": repr(exc)})
            if self._on_error is not None:
                self._on_error(exc)
            return False

    async def _loop(self) -> None:
        while True:
            await self.run_once()
            await asyncio.sleep(self.every_s)

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name=f"periodic:{self.name}")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
