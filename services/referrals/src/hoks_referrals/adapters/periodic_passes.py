"""The service's timed passes (run by the runtime as gauge refreshers, so a failing pass is
counted and alerted on): the SLA pass and the routing pass. Like the subscribers they call the use
cases; what is theirs is the timing and the gauges they set."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from hoks_referrals.adapters.repository import MongoReferralRepository
from hoks_referrals.handlers import (
    Deps,
    MarkOverdue,
    RerouteWaiting,
    mark_overdue,
    open_and_overdue_by_target,
    reroute_waiting,
    unassigned_by_target,
)
from hoks_shared.metrics import ServiceMetrics, set_gauge_values

log = logging.getLogger(__name__)


@dataclass
class SlaPass:
    """Flag what is overdue and set the open and overdue gauges; every ``reconcile_every_s`` also
    repair the open-referral index from a scan. The first call, one interval after start, does
    nothing: the consumers catch up first."""

    deps: Deps
    referrals: MongoReferralRepository
    reconcile_every_s: float
    started: bool = False
    last_reconcile: float = 0.0

    async def __call__(self, metrics: ServiceMetrics) -> None:
        if not self.started:
            self.started = True
            return
        if time.monotonic() - self.last_reconcile >= self.reconcile_every_s:
            added, dropped = await self.referrals.reconcile_open_index()
            self.last_reconcile = time.monotonic()
            if added or dropped:
                log.warning("open-referral index repaired", extra={"added": added, "dropped": dropped})
        await mark_overdue(MarkOverdue(), self.deps)
        open_, overdue = open_and_overdue_by_target(await self.referrals.find(open_only=True))
        set_gauge_values(metrics.referrals_open, open_)
        set_gauge_values(metrics.referrals_overdue, overdue)


@dataclass
class RoutingPass:
    """Route again what waits for an assignee; the unassigned gauges (alerted on when stale)."""

    deps: Deps
    stale_after: timedelta

    async def __call__(self, metrics: ServiceMetrics) -> None:
        await reroute_waiting(RerouteWaiting(), self.deps)
        waiting, stale = unassigned_by_target(await self.deps.referrals.waiting_for_routing(),
                                              self.deps.clock.now(), self.stale_after)
        set_gauge_values(metrics.referrals_unassigned, waiting)
        set_gauge_values(metrics.referrals_unassigned_stale, stale)
