"""What every staff page may show about the organisation besides its own data: unit names (from
the service's SIS group view, so pages never show ``unit-tech``) and whether the service is
still taking in SIS data (the consumer lag on the SIS topics), so a page says "tietoja
päivitetään" instead of showing a partial list silently."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from hoks_shared.sisviews.projection import GROUPS, STUDENTS

#: Topics of the SIS feed all start with this (after the deployment's prefix).
SIS_TOPIC_MARK = "hoks.sis."
#: Pages say "data is still arriving" from this many SIS events waiting (a day's trickle of
#: attendance and credits is not worth a banner; a start or a resync is).
BUSY_FROM = 100


@dataclass(frozen=True)
class Intake:
    """SIS data received so far and still waiting in Kafka for this service."""

    students: int
    pending_events: int

    @property
    def busy(self) -> bool:
        return self.pending_events >= BUSY_FROM

    def as_dict(self) -> dict[str, Any]:
        return {"students": self.students, "pending_events": self.pending_events, "busy": self.busy}


def sis_pending(metrics: Any) -> int | None:
    """SIS events not yet consumed, from the last consumer-lag reading (None before the first one)."""
    if metrics is None or not _gauge_value(metrics.consumer_lag_collected):
        return None
    pending = 0
    for family in metrics.consumer_lag.collect():
        for sample in family.samples:
            if SIS_TOPIC_MARK in sample.labels.get("topic", ""):
                pending += int(sample.value)
    return pending


def _gauge_value(gauge: Any) -> float:
    return sum(sample.value for family in gauge.collect() for sample in family.samples)


class PageContext:
    """Unit names and SIS intake for the pages, read at most every ``names_ttl_s`` / ``ttl_s`` seconds."""

    def __init__(self, db: Any, metrics: Any = None, ttl_s: float = 10.0, names_ttl_s: float = 60.0) -> None:
        self.db = db
        self.metrics = metrics
        self.ttl_s = ttl_s
        #: units are renamed rarely: their names are read again after a minute
        self.names_ttl_s = names_ttl_s
        self._names: tuple[float, dict[str, str]] = (0.0, {})
        self._intake: tuple[float, Intake | None] = (0.0, None)

    async def unit_names(self) -> dict[str, str]:
        read_at, names = self._names
        if time.monotonic() - read_at < self.names_ttl_s:
            return names
        names = {}
        async for doc in self.db[GROUPS].find({"unit_name": {"$type": "string"}}, {"unit_id": 1, "unit_name": 1}):
            names.setdefault(doc["unit_id"], doc["unit_name"])
        self._names = (time.monotonic(), names)
        return names

    async def intake(self) -> Intake | None:
        read_at, intake = self._intake
        if time.monotonic() - read_at < self.ttl_s:
            return intake
        pending = sis_pending(self.metrics)
        intake = None
        if pending is not None:
            intake = Intake(await self.db[STUDENTS].estimated_document_count(), pending)
        self._intake = (time.monotonic(), intake)
        return intake


def install_page_context(app: Any, context: PageContext) -> None:
    """Pages (``/ui/...`` and the sign-in page) get unit names and the SIS intake in ``request.state``."""
    app.state.page_context = context
    app.add_middleware(PageContextMiddleware, context=context)


class PageContextMiddleware:
    """ASGI middleware: reads the context (cached) before a page's handler runs."""

    def __init__(self, app: Any, context: PageContext) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and scope.get("method") == "GET" and (
                path.startswith("/ui") or path == "/auth/login"):
            state = scope.setdefault("state", {})
            state["unit_names"] = await self.context.unit_names()
            state["intake"] = await self.context.intake()
        await self.app(scope, receive, send)
