"""The meetings HTTP API (FastAPI; OpenAPI at /openapi.json): the resources' routers of
``adapters/routes`` put together. Refusals of the domain become statuses in ``http_errors``."""

from __future__ import annotations

from fastapi import APIRouter

from hoks_meetings.adapters.routes import checklist, completion, meeting_record, meetings
from hoks_meetings.handlers import Deps

RESOURCES = (meetings, checklist, meeting_record, completion)


def build_api(deps: Deps) -> APIRouter:
    router = APIRouter()
    for resource in RESOURCES:
        router.include_router(resource.routes(deps))
    return router
