"""Composition root of the scheduler service."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream

from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings
from hoks_shared.sisviews.ingest import build_sis_router
from hoks_shared.sisviews.projection import SisViews
from hoks_shared.topics import SIS_GROUPS, SIS_STAFF, SIS_STUDENTS

SERVICE = "scheduler"
DEFAULT_PORT = 8101
#: What the scheduler plans with: groups and their staff, and students for student-level meetings.
SIS_TOPICS = [SIS_GROUPS, SIS_STAFF, SIS_STUDENTS]


def build(settings: ServiceSettings | None = None) -> tuple[AsgiFastStream, ServiceRuntime]:
    runtime = build_runtime(settings or load_settings(SERVICE, DEFAULT_PORT))
    views = SisViews(runtime.db)
    app = create_app(runtime, [build_sis_router(runtime, views, SIS_TOPICS)], indexed=[views])
    return app, runtime


def main() -> None:
    serve(build)


if __name__ == "__main__":
    main()
