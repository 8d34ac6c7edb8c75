"""Composition root of the reporting service."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream

from hoks_reporting.adapters.repository import MongoSummaryRepository
from hoks_reporting.subscribers import build_router
from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings
from hoks_shared.sisviews.ingest import build_sis_router
from hoks_shared.sisviews.projection import SisViews
from hoks_shared.topics import SIS_ABSENCES, SIS_GROUPS, SIS_HOKS, SIS_STAFF, SIS_STUDENTS, SIS_STUDY_RIGHTS

SERVICE = "reporting"
DEFAULT_PORT = 8104
#: The per-teacher report counts students, stale HOKSes, absences and final-phase students.
SIS_TOPICS = [SIS_STUDENTS, SIS_GROUPS, SIS_STAFF, SIS_HOKS, SIS_STUDY_RIGHTS, SIS_ABSENCES]


def build(settings: ServiceSettings | None = None) -> tuple[AsgiFastStream, ServiceRuntime]:
    runtime = build_runtime(settings or load_settings(SERVICE, DEFAULT_PORT))
    summaries = MongoSummaryRepository(runtime.db)
    views = SisViews(runtime.db)
    app = create_app(runtime, [build_router(runtime, summaries), build_sis_router(runtime, views, SIS_TOPICS)],
                     indexed=[summaries, views])
    return app, runtime


def main() -> None:
    serve(build)


if __name__ == "__main__":
    main()
