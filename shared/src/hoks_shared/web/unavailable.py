"""The store or the broker unreachable is a 503 with ``Retry-After``, never a 500.

A request that needs the store while it is down fails with one of PyMongo's connection errors
(after the client's server-selection timeout); one that needs Kafka, with aiokafka's. Both are
the same transient failures the consumers wait out (``messaging.transient.is_transient``):
the client is told to come back, and nothing about the infrastructure is in the body.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pymongo.errors import OperationFailure

from hoks_shared.messaging.dead_letter import describe_error
from hoks_shared.messaging.transient import TRANSIENT_ERRORS, is_transient

log = logging.getLogger(__name__)

#: Seconds a client should wait before trying again.
RETRY_AFTER_S = 5
DETAIL = "temporarily unavailable: try again shortly"


def install_unavailable(app: FastAPI, retry_after_s: int = RETRY_AFTER_S) -> None:
    async def unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("request failed on an unreachable dependency",
                    extra={"path": request.url.path, "error": describe_error(exc)[:300]})
        return JSONResponse({"detail": DETAIL}, status_code=503, headers={"Retry-After": str(retry_after_s)})

    async def unavailable_if_transient(request: Request, exc: Exception) -> JSONResponse:
        if not is_transient(exc):
            raise exc  # a real failure: the server error it is (500, logged with its trace)
        return await unavailable(request, exc)

    for error in TRANSIENT_ERRORS:
        app.add_exception_handler(error, unavailable)
    # a store that answers but can not write now (a full disk, a primary stepping down)
    app.add_exception_handler(OperationFailure, unavailable_if_transient)
