"""CSRF protection: a state change sent with the session cookie must come from this origin.

The session cookie is ``SameSite=Lax``, which still lets a page on the *same site* (another
port or sub-domain) post with it. So an unsafe request (POST, PUT, PATCH, DELETE) is refused
(403) when a browser says it comes from another origin: ``Sec-Fetch-Site`` other than
``same-origin`` (every current browser sends it) — also when it carries an ``Authorization``
header, because a sign-in proxy in front may turn the browser's cookie into one. Without
``Sec-Fetch-Site`` (an older browser), a request with the session cookie and no
``Authorization`` needs an ``Origin`` equal to this service's origin (or one of
``HOKS_UI_TRUSTED_ORIGINS``); with neither header it is refused too. Scripts and integration
clients with a bearer token send no such headers and are not affected.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSED = "cross-origin request refused"

Scope = dict[str, Any]


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _has_cookie(cookie_header: str, name: str) -> bool:
    return any(part.strip().split("=", 1)[0] == name for part in cookie_header.split(";"))


def own_origin(scope: Scope, headers: dict[str, str]) -> str:
    scheme = headers.get("x-forwarded-proto") or scope.get("scheme", "http")
    host = headers.get("x-forwarded-host") or headers.get("host", "")
    return f"{scheme}://{host}".lower()


def refusal(scope: Scope, cookie: str, trusted: Iterable[str] = ()) -> str | None:
    """Why this request must be refused, or None when it may go on."""
    if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
        return None
    headers = _headers(scope)
    site = headers.get("sec-fetch-site")
    if site is not None:
        return None if site == "same-origin" else f"Sec-Fetch-Site: {site}"
    if "authorization" in headers or not _has_cookie(headers.get("cookie", ""), cookie):
        return None
    origin = headers.get("origin")
    if origin is None:
        return "neither Sec-Fetch-Site nor Origin"
    allowed = {own_origin(scope, headers), *(o.rstrip("/").lower() for o in trusted)}
    return None if origin.lower() in allowed else f"Origin: {origin[:100]}"


class SameOriginWrites:
    """ASGI middleware applying ``refusal`` to every request."""

    def __init__(self, app: Any, cookie: str, trusted: Iterable[str] = ()) -> None:
        self.app = app
        self.cookie = cookie
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        reason = refusal(scope, self.cookie, self.trusted) if scope["type"] == "http" else None
        if reason is None:
            await self.app(scope, receive, send)
            return
        log.warning("cookie-authenticated write refused", extra={"reason": reason, "path": scope.get("path")})
        body = json.dumps({"detail": REFUSED}).encode()
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
