"""The referrals HTTP API (FastAPI): list, read, make, accept, close, cancel — one small module
per resource (``http_reads``, ``http_making``, ``http_actions``), put together here.

Every endpoint names its roles; object-level rules are in ``domain.access``; the rules' errors
become statuses in one place (``http_errors``). Every read or change of a referral is audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from hoks_referrals.adapters import http_actions, http_making, http_reads
from hoks_referrals.adapters.http_errors import domain_errors_as_http
from hoks_referrals.handlers import Deps


def build_http_router(deps: Deps) -> APIRouter:
    router = APIRouter(tags=["referrals"], dependencies=[Depends(domain_errors_as_http)])
    for resource in (http_reads, http_making, http_actions):
        router.include_router(resource.routes(deps))
    return router
