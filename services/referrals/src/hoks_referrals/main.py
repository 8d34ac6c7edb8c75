"""Composition root of the referrals service."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream

from hoks_referrals.adapters.repository import REFERRALS, MongoReferralRepository
from hoks_referrals.subscribers import build_router
from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings

SERVICE = "referrals"
DEFAULT_PORT = 8103


def build(settings: ServiceSettings | None = None) -> tuple[AsgiFastStream, ServiceRuntime]:
    runtime = build_runtime(settings or load_settings(SERVICE, DEFAULT_PORT))
    referrals = MongoReferralRepository(runtime.db)
    runtime.use_outbox(REFERRALS)
    app = create_app(runtime, [build_router(runtime, referrals)], indexed=[referrals])
    return app, runtime


def main() -> None:
    serve(build)


if __name__ == "__main__":
    main()
