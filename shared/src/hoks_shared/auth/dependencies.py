"""FastAPI dependencies: every endpoint declares who may call it.

``Depends(Allow(Role.COUNSELOR, ...))`` answers 401 without a valid token and 403 when the
caller holds none of the allowed roles; ``AllowPage`` redirects a browser to the sign-in page
instead of answering 401. The token comes from ``Authorization: Bearer`` or the session cookie.
"""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, status

from hoks_shared.auth.audit import AuditTrail
from hoks_shared.auth.principal import Principal
from hoks_shared.auth.roles import Role
from hoks_shared.auth.tokens import InvalidToken, TokenVerifier

log = logging.getLogger(__name__)
#: The one body of every 401: why a token was refused goes to the log, not to the caller.
UNAUTHENTICATED = "authentication required"


class LoginRequired(Exception):
    """A page was opened without a valid session: the app redirects to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def token_from(request: Request, cookie_name: str) -> str | None:
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value:
            raise InvalidToken("the Authorization header must be 'Bearer <token>'")
        return value.strip()
    return request.cookies.get(cookie_name)


class Allow:
    """Declares the roles (and for integration clients the scope) an endpoint accepts."""

    page = False

    def __init__(self, *roles: Role, scope: str | None = None) -> None:
        if not roles:
            raise ValueError("an endpoint must name the roles that may call it")
        self.roles = frozenset(roles)
        self.scope = scope

    def _unauthenticated(self, request: Request, reason: str) -> Exception:
        return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=UNAUTHENTICATED,
                             headers={"WWW-Authenticate": 'Bearer realm="hoks"'})

    async def __call__(self, request: Request) -> Principal:
        verifier: TokenVerifier = request.app.state.verifier
        try:
            token = token_from(request, verifier.settings.session_cookie)
            if not token:
                raise InvalidToken("no bearer token")
            principal = await verifier.verify(token)
        except InvalidToken as exc:
            log.info("token refused", extra={"reason": str(exc)[:300], "path": request.url.path})
            raise self._unauthenticated(request, str(exc)) from None
        request.state.principal = principal  # known even when refused below (the refusal is audited)
        if not principal.has_role(*self.roles):
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                detail="this endpoint is for: " + ", ".join(sorted(self.roles)))
        if Role.INTEGRATION_CLIENT in principal.roles and self.scope is not None \
                and self.scope not in principal.scopes:
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                detail=f"integration clients need the scope {self.scope}")
        return principal


class AllowPage(Allow):
    """Like ``Allow`` for HTML pages: without a session the browser goes to the sign-in page."""

    page = True

    def _unauthenticated(self, request: Request, reason: str) -> Exception:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return LoginRequired(quote(target, safe=""))


def get_audit(request: Request) -> AuditTrail:
    return request.app.state.audit


AuditDep = Annotated[AuditTrail, Depends(get_audit)]
