"""``/health`` that tells the truth quickly: answered from a probe cached in the background.

A probe (Kafka and the store, each with its own timeout) runs every ``every_s`` seconds; the
endpoint only reads its last result, so it answers at once however slow a dependency is. It is
503 when

* a dependency was down at the last probe, or the last probe is older than ``stale_after_s``
  (the probe itself hangs); the first request after start waits up to 0.9 s for the first probe;
* a consumer is stuck on one offset (``PartitionProgress``);
* shutdown has begun (``stopping``): from the signal on, before the consumers and the HTTP
  server are stopped, so a load balancer takes the instance out first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from hoks_shared.messaging.partition_progress import Stuck

log = logging.getLogger(__name__)

Checks = dict[str, str]


@dataclass
class HealthProbe:
    #: bounds its own time (the probe never cancels it: a cancelled PyMongo call can break the client)
    check: Callable[[], Awaitable[Checks]]
    every_s: float = 2.0
    stale_after_s: float = 15.0
    clock: Callable[[], float] = time.monotonic
    stopping: bool = False
    _last: Checks | None = None
    _at: float = 0.0
    _task: asyncio.Task[None] | None = field(default=None, repr=False)
    _first: asyncio.Future[Checks] | None = field(default=None, repr=False)

    async def probe_once(self) -> Checks:
        try:
            checks = await self.check()
        except Exception as exc:  # noqa: BLE001 - a probe answers, it does not raise
            log.warning("health probe failed", extra={"error": repr(exc)})
            checks = {"probe": "error"}
        self._last, self._at = checks, self.clock()
        return checks

    async def _loop(self) -> None:
        while not self.stopping:
            await self.probe_once()
            await asyncio.sleep(self.every_s)

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name="health-probe")

    async def stop(self) -> None:
        self.stopping = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def answer_now(self, service: str, stuck: list[Stuck], first_within_s: float = 0.9) -> tuple[int, dict[str, Any]]:
        """``answer``; only when no probe has finished yet (the first request after start, or an
        app run without its background tasks) it waits up to ``first_within_s`` for one (started
        here if none runs), without cancelling it."""
        if self._last is None and not self.stopping:
            if self._first is None:
                self._first = asyncio.ensure_future(self.probe_once())
            await asyncio.wait({self._first}, timeout=first_within_s)
        return self.answer(service, stuck)

    def answer(self, service: str, stuck: list[Stuck]) -> tuple[int, dict[str, Any]]:
        """(HTTP status, body) from what is known now; never waits."""
        if self.stopping:
            return 503, {"status": "stopping", "service": service, "checks": {}}
        if self._last is None:
            checks: Checks = {"probe": "starting"}
        elif self.clock() - self._at > self.stale_after_s:
            checks = {**self._last, "probe": "stale"}
        else:
            checks = dict(self._last)
        checks["consumers"] = "stuck" if stuck else "ok"
        ok = all(v == "ok" for v in checks.values())
        body: dict[str, Any] = {"status": "ok" if ok else "unavailable", "service": service, "checks": checks,
                                "checked_seconds_ago": round(self.clock() - self._at, 1) if self._last else None}
        if stuck:
            body["stuck"] = [s.describe() for s in stuck]
        return (200 if ok else 503), body
