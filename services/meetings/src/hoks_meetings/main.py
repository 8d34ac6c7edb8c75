"""Composition root of the meetings service."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream

from hoks_meetings.adapters.repository import MongoMeetingRepository
from hoks_meetings.subscribers import build_router
from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings
from hoks_shared.sisviews.ingest import build_sis_router
from hoks_shared.sisviews.projection import SisViews
from hoks_shared.topics import SIS_ABSENCES, SIS_CREDITS, SIS_GROUPS, SIS_HOKS, SIS_STUDENTS, SIS_STUDY_RIGHTS

SERVICE = "meetings"
DEFAULT_PORT = 8102
#: The checklist's suggestions need each student's HOKS, study right, absences and credits.
SIS_TOPICS = [SIS_STUDENTS, SIS_GROUPS, SIS_HOKS, SIS_STUDY_RIGHTS, SIS_ABSENCES, SIS_CREDITS]


def build(settings: ServiceSettings | None = None) -> tuple[AsgiFastStream, ServiceRuntime]:
    runtime = build_runtime(settings or load_settings(SERVICE, DEFAULT_PORT))
    meetings = MongoMeetingRepository(runtime.db)
    views = SisViews(runtime.db)
    app = create_app(runtime, [build_router(runtime, meetings), build_sis_router(runtime, views, SIS_TOPICS)],
                     indexed=[meetings, views])
    return app, runtime


def main() -> None:
    serve(build)


if __name__ == "__main__":
    main()
