"""Composition root of the scheduler service."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream

from hoks_scheduler.adapters.repository import MongoGroupRepository
from hoks_scheduler.subscribers import build_router
from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings

SERVICE = "scheduler"
DEFAULT_PORT = 8101


def build(settings: ServiceSettings | None = None) -> tuple[AsgiFastStream, ServiceRuntime]:
    runtime = build_runtime(settings or load_settings(SERVICE, DEFAULT_PORT))
    groups = MongoGroupRepository(runtime.db)
    app = create_app(runtime, [build_router(runtime, groups)], indexed=[groups])
    return app, runtime


def main() -> None:
    serve(build)


if __name__ == "__main__":
    main()
