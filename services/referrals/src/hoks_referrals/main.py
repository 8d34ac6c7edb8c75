"""Composition root of the referrals service.

``hoks-referrals`` serves the service; ``hoks-referrals asyncapi`` prints the AsyncAPI document
of the public referral events (committed as ``docs/asyncapi/referrals.yaml``).
"""

from __future__ import annotations

import sys
from datetime import timedelta

from faststream.asgi import AsgiFastStream

from hoks_referrals.adapters.http_api import build_http_router
from hoks_referrals.adapters.periodic_passes import RoutingPass, SlaPass
from hoks_referrals.adapters.repository import REFERRALS, MongoReferralRepository
from hoks_referrals.adapters.routing_config import load_routing
from hoks_referrals.adapters.settings import ReferralSettings
from hoks_referrals.adapters.staff_directory import SisStaffDirectory
from hoks_referrals.adapters.web_pages import build_pages_router
from hoks_referrals.handlers import Deps
from hoks_referrals.subscribers import build_routers, route_on_sis_records
from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings
from hoks_shared.sisviews.ingest import build_sis_router
from hoks_shared.sisviews.projection import SisViews
from hoks_shared.topics import SIS_GROUPS, SIS_STAFF, SIS_STUDENTS, SIS_STUDY_RIGHTS

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
    referrals = MongoReferralRepository(runtime.db, runtime.outbox(REFERRALS))
    deps = Deps(
        referrals=referrals,
        directory=SisStaffDirectory(runtime.db),
        routing=routing,
        valpas_deadline_school_days=config.valpas_deadline_school_days,
        provider_oid=config.provider_oid,
    )
    runtime.add_gauge_refresher("referrals-sla", SlaPass(deps, referrals, config.open_index_reconcile_seconds),
                                every_s=config.overdue_check_seconds)
    runtime.add_gauge_refresher("referrals-routing",
                                RoutingPass(deps, timedelta(minutes=config.unassigned_alert_minutes)),
                                every_s=config.reroute_seconds)
    views = SisViews(runtime.db)
    app = create_app(
        runtime, [*build_routers(runtime, deps),
                  build_sis_router(runtime, views, SIS_TOPICS, after_batch=route_on_sis_records(deps))],
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
