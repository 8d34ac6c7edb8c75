"""Composition root of the reporting service."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream

from hoks_reporting.adapters.repository import MongoSummaryRepository
from hoks_reporting.subscribers import build_router
from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings

SERVICE = "reporting"
DEFAULT_PORT = 8104


def build(settings: ServiceSettings | None = None) -> tuple[AsgiFastStream, ServiceRuntime]:
    runtime = build_runtime(settings or load_settings(SERVICE, DEFAULT_PORT))
    summaries = MongoSummaryRepository(runtime.db)
    app = create_app(runtime, [build_router(runtime, summaries)], indexed=[summaries])
    return app, runtime


def main() -> None:
    serve(build)


if __name__ == "__main__":
    main()
