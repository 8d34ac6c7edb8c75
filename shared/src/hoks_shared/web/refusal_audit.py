"""Refused attempts go to the audit trail: a signed-in caller answered 403 is recorded with the
endpoint and the kind of action (never the request's content)."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

log = logging.getLogger(__name__)

#: what the audit event's ``endpoint`` field accepts
_ROUTE = re.compile(r"^/[A-Za-z0-9/{}._-]*$")


class RefusalAudit(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        principal = getattr(request.state, "principal", None)
        if response.status_code == 403 and principal is not None:
            route: Any = request.scope.get("route")
            path = getattr(route, "path", None) or request.url.path
            try:
                await request.app.state.audit.record_refused(
                    principal, method=request.method, route=path if _ROUTE.match(path) else "/")
            except Exception:  # noqa: BLE001 - the refusal stands; the log says the record is missing
                log.warning("could not record a refused attempt", exc_info=True, extra={"path": path})
        return response


def install_refusal_audit(app: FastAPI) -> None:
    app.add_middleware(RefusalAudit)
