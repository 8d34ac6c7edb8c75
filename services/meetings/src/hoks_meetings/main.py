"""Composition root of the meetings service."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream

from hoks_meetings.adapters.repository import MongoMeetingRepository
from hoks_meetings.subscribers import build_router
from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings

SERVICE = "meetings"
DEFAULT_PORT = 8102


def build(settings: ServiceSettings | None = None) -> tuple[AsgiFastStream, ServiceRuntime]:
    runtime = build_runtime(settings or load_settings(SERVICE, DEFAULT_PORT))
    meetings = MongoMeetingRepository(runtime.db)
    app = create_app(runtime, [build_router(runtime, meetings)], indexed=[meetings])
    return app, runtime


def main() -> None:
    serve(build)


if __name__ == "__main__":
    main()
