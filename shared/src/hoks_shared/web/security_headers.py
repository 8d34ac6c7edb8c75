"""Response headers against framing, sniffing, leaking and caching, with a per-request CSP nonce.

Every response of a service's HTTP app gets ``Content-Security-Policy`` (scripts only from this
origin or with this response's nonce; no framing; no plugins; forms post only to this origin),
``X-Frame-Options: DENY``, ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``
and ``Cache-Control: no-store`` (pages and API answers carry student data; only the Swagger UI
assets may be cached). Templates put ``nonce="{{ csp_nonce }}"`` on their ``<script>``.
"""

from __future__ import annotations

import secrets
from typing import Any

Scope = dict[str, Any]
NONCE_KEY = "csp_nonce"
#: Paths whose answers hold no personal data and may be cached (static assets).
CACHEABLE_PREFIX = "/docs/static/"


def content_security_policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",  # style attributes; scripts stay strict
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def csp_nonce(request: Any) -> str:
    """This request's nonce (empty outside the middleware, e.g. in a bare test app)."""
    return str(getattr(request.state, NONCE_KEY, ""))


class SecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})[NONCE_KEY] = nonce
        cacheable = scope.get("path", "").startswith(CACHEABLE_PREFIX)

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"cache-control", b"x-frame-options") or cacheable]
                headers += [
                    (b"content-security-policy", content_security_policy(nonce).encode()),
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                if not cacheable:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
