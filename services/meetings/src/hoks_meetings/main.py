"""Composition root of the meetings service: the runtime, the adapters, ``Deps`` and the routers."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream

from hoks_meetings.adapters.http_api import build_api
from hoks_meetings.adapters.repository import MEETINGS, MongoMeetingRepository
from hoks_meetings.adapters.rosters import RosterViews
from hoks_meetings.adapters.settings import MeetingsSettings, provider_zone
from hoks_meetings.adapters.student_view import MongoStudentDirectory
from hoks_meetings.adapters.web_pages import build_pages
from hoks_meetings.handlers import Deps
from hoks_meetings.subscribers import build_router
from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings
from hoks_shared.sisviews.ingest import build_sis_router
from hoks_shared.topics import (
    SIS_ABSENCES,
    SIS_CREDITS,
    SIS_GROUPS,
    SIS_HOKS,
    SIS_STAFF,
    SIS_STUDENTS,
    SIS_STUDY_RIGHTS,
)

SERVICE = "meetings"
DEFAULT_PORT = 8102
#: The checklist's suggestions need each student's HOKS, study right, absences and credits; staff
#: names are shown on the page (and the development sign-in lists the staff).
SIS_TOPICS = [SIS_STUDENTS, SIS_GROUPS, SIS_HOKS, SIS_STUDY_RIGHTS, SIS_ABSENCES, SIS_CREDITS, SIS_STAFF]


def build(settings: ServiceSettings | None = None,
          meetings_settings: MeetingsSettings | None = None) -> tuple[AsgiFastStream, ServiceRuntime]:
    config = meetings_settings or MeetingsSettings()
    runtime = build_runtime(settings or load_settings(SERVICE, DEFAULT_PORT))
    meetings = MongoMeetingRepository(runtime.db, runtime.outbox(MEETINGS))
    deps = Deps(
        meetings=meetings,
        directory=MongoStudentDirectory(runtime.db),
        rules=config.rules(),
        complete_early=config.complete_early(),
        zone=provider_zone(),
    )
    views = RosterViews(runtime.db)  # the shared SIS views plus group rosters
    app = create_app(
        runtime, [build_router(runtime, deps), build_sis_router(runtime, views, SIS_TOPICS)],
        indexed=[meetings, views],
        http_routers=[build_api(deps), build_pages(deps)],
        http_title="HOKS follow-up: meetings",
        http_description="Follow-up meetings: participants, the per-student HOKS checklist with suggestions, "
                         "outcomes. Staff pages at /ui/meetings.",
    )
    return app, runtime


def main() -> None:
    serve(build)


if __name__ == "__main__":
    main()
