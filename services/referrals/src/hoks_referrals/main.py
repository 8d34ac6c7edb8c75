"""Composition root of the referrals service.

``hoks-referrals`` serves the service; ``hoks-referrals asyncapi`` prints the AsyncAPI document
of the public referral events (committed as ``docs/asyncapi/referrals.yaml``).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Sequence
from datetime import timedelta

from faststream.asgi import AsgiFastStream

from hoks_referrals.adapters.http_api import build_http_router
from hoks_referrals.adapters.repository import REFERRALS, MongoReferralRepository
from hoks_referrals.adapters.routing_config import load_routing
from hoks_referrals.adapters.staff_directory import SisStaffDirectory
from hoks_referrals.adapters.web_pages import build_pages_router
from hoks_referrals.handlers import (
    Deps,
    mark_overdue,
    open_and_overdue_by_target,
    reroute_waiting,
    unassigned_by_target,
)
from hoks_referrals.settings import ReferralSettings
from hoks_referrals.subscribers import build_router
from hoks_shared.contracts.sis import StaffUpserted, StudentUpserted
from hoks_shared.metrics import set_gauge_values
from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings
from hoks_shared.sisviews.ingest import build_sis_router
from hoks_shared.sisviews.projection import SisViews
from hoks_shared.topics import SIS_GROUPS, SIS_STAFF, SIS_STUDENTS, SIS_STUDY_RIGHTS

log = logging.getLogger(__name__)

SERVICE = "referrals"
DEFAULT_PORT = 8103
#: Routing needs staff and units; Valpas tasks need study-right status and compulsory education.
#: groups: for unit names on the pages (and groups on the development sign-in page)
SIS_TOPICS = [SIS_STUDENTS, SIS_STAFF, SIS_STUDY_RIGHTS, SIS_GROUPS]


def build(settings: ServiceSettings | None = None,
          referral_settings: ReferralSettings | None = None) -> tuple[AsgiFastStream, ServiceRuntime]:
    config = referral_settings or ReferralSettings()
    routing = load_routing(config.routing_file)  # a wrong table stops the service here
    runtime = build_runtime(settings or load_settings(SERVICE, DEFAULT_PORT))
    referrals = MongoReferralRepository(runtime.db)
    relay = runtime.use_outbox(REFERRALS)
    deps = Deps(
        referrals=referrals,
        directory=SisStaffDirectory(runtime.db),
        routing=routing,
        outbox_entry=lambda event, event_id: runtime.publisher.entry(event, event_id=event_id),
        notify=lambda referral_id: relay.notify(REFERRALS, referral_id),
        valpas_deadline_school_days=config.valpas_deadline_school_days,
        provider_oid=config.provider_oid,
    )

    last_reconcile = [0.0]
    started = [False]

    async def sla_check(_metrics: object = None) -> None:
        if not started[0]:  # the first pass one interval after start: consumers catch up first
            started[0] = True
            return
        if time.monotonic() - last_reconcile[0] >= config.open_index_reconcile_seconds:
            added, dropped = await referrals.reconcile_open_index()
            last_reconcile[0] = time.monotonic()
            if added or dropped:
                log.warning("open-referral index repaired", extra={"added": added, "dropped": dropped})
        await mark_overdue(deps)
        open_, overdue = open_and_overdue_by_target(await referrals.find(open_only=True))
        set_gauge_values(runtime.metrics.referrals_open, open_)
        set_gauge_values(runtime.metrics.referrals_overdue, overdue)

    async def routing_pass(_metrics: object = None) -> None:
        """Route again what waits for an assignee; the unassigned gauges (alerted on when stale)."""
        await reroute_waiting(deps)
        waiting, stale = unassigned_by_target(await referrals.waiting_for_routing(), deps.clock.now(),
                                              timedelta(minutes=config.unassigned_alert_minutes))
        set_gauge_values(runtime.metrics.referrals_unassigned, waiting)
        set_gauge_values(runtime.metrics.referrals_unassigned_stale, stale)

    async def on_sis_records(events: Sequence[object]) -> None:
        """SIS student or staff records arrived: route what waited for them, at once."""
        students = {e.student_oid for e in events if isinstance(e, StudentUpserted)}
        units = {u for e in events if isinstance(e, StaffUpserted) for u in e.unit_ids}
        if students or units:
            await reroute_waiting(deps, student_oids=students, unit_ids=units)

    # gauge refreshers: a failing pass is counted (hoks_gauge_refresh_errors_total) and alerted on
    runtime.add_gauge_refresher("referrals-sla", sla_check, every_s=config.overdue_check_seconds)
    runtime.add_gauge_refresher("referrals-routing", routing_pass, every_s=config.reroute_seconds)
    views = SisViews(runtime.db)
    app = create_app(
        runtime, [build_router(runtime, deps),
                  build_sis_router(runtime, views, SIS_TOPICS, after_batch=on_sis_records)],
        indexed=[referrals, views],
        http_routers=[build_http_router(deps), build_pages_router(deps)],
        http_title="HOKS follow-up: referrals (palveluohjaus)",
        http_description="Service referrals: make, accept, close; the specialist's inbox at /ui/referrals.",
    )
    return app, runtime


def main() -> None:
    if sys.argv[1:2] == ["asyncapi"]:
        from hoks_referrals.asyncapi import render_yaml

        sys.stdout.write(render_yaml())
        return
    serve(build)


if __name__ == "__main__":
    main()
