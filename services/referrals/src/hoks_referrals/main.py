"""Composition root of the referrals service."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream

from hoks_referrals.adapters.repository import REFERRALS, MongoReferralRepository
from hoks_referrals.subscribers import build_router
from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings
from hoks_shared.sisviews.ingest import build_sis_router
from hoks_shared.sisviews.projection import SisViews
from hoks_shared.topics import SIS_STAFF, SIS_STUDENTS, SIS_STUDY_RIGHTS

SERVICE = "referrals"
DEFAULT_PORT = 8103
#: Routing needs staff and units; Valpas tasks need study-right status and compulsory education.
SIS_TOPICS = [SIS_STUDENTS, SIS_STAFF, SIS_STUDY_RIGHTS]


def build(settings: ServiceSettings | None = None) -> tuple[AsgiFastStream, ServiceRuntime]:
    runtime = build_runtime(settings or load_settings(SERVICE, DEFAULT_PORT))
    referrals = MongoReferralRepository(runtime.db)
    runtime.use_outbox(REFERRALS)
    views = SisViews(runtime.db)
    app = create_app(runtime, [build_router(runtime, referrals), build_sis_router(runtime, views, SIS_TOPICS)],
                     indexed=[referrals, views])
    return app, runtime


def main() -> None:
    serve(build)


if __name__ == "__main__":
    main()
