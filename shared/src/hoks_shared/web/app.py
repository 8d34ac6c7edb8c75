"""The FastAPI app of a service: its HTTP API (OpenAPI at ``/openapi.json``, docs at ``/docs``),
its staff pages, and the sign-in routes.

In ``HOKS_AUTH_MODE=dev`` the sign-in page lists demo users (the staff of the service's SIS view
plus a director and an integration client) and sets the session cookie with a token from the
development issuer. In production the provider's identity provider signs people in (see the
README: an OIDC-aware reverse proxy in front passes the bearer token).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from hoks_shared.auth.audit import AuditTrail
from hoks_shared.auth.dependencies import LoginRequired, token_from
from hoks_shared.auth.tokens import InvalidToken, TokenVerifier
from hoks_shared.web.api_docs import add_api_docs
from hoks_shared.web.body_limit import BodyLimit
from hoks_shared.web.error_docs import install_error_docs
from hoks_shared.web.error_pages import install_error_pages
from hoks_shared.web.i18n import COMMON
from hoks_shared.web.input_errors import install_input_errors
from hoks_shared.web.unavailable import install_unavailable
from hoks_shared.web.page_context import PageContext, install_page_context
from hoks_shared.web.refusal_audit import install_refusal_audit
from hoks_shared.web.render import SHARED_TEMPLATES, render, ui_settings
from hoks_shared.web.same_origin import SameOriginWrites
from hoks_shared.web.security_headers import SecurityHeaders


@dataclass(frozen=True)
class DemoUser:
    subject: str
    name: str
    roles: list[str]
    units: list[str] = field(default_factory=list)
    staff_oid: str | None = None
    scopes: list[str] = field(default_factory=list)
    #: codes of the groups the person works with (responsible teacher, counselor, ...)
    groups: list[str] = field(default_factory=list)


DemoUsers = Callable[[], Awaitable[list[DemoUser]]]

#: Synthetic demo users that the SIS staff feed does not have.
DIRECTOR = DemoUser("1.2.246.562.24.99999999001", "Demo Director", ["director"], ["*"],
                    staff_oid="1.2.246.562.24.99999999001")
INTEGRATION = DemoUser("demo-integration-client", "Demo integration client", ["integration-client"],
                       scopes=["referrals:read", "meetings:read", "reports:read", "schedule:read"])


def _safe_next(value: str | None) -> str:
    target = unquote(value or "/")
    # only local paths: never redirect off-site after sign-in
    return target if target.startswith("/") and not target.startswith("//") else "/"


def create_http_app(
    title: str,
    routers: Sequence[APIRouter],
    *,
    verifier: TokenVerifier,
    audit: AuditTrail | Any,
    demo_users: DemoUsers | None = None,
    version: str = "1",
    description: str = "",
    page_context: PageContext | None = None,
) -> FastAPI:
    app = FastAPI(title=title, version=version, description=description,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    ui = ui_settings()
    # outermost first: headers on every answer, then the size limit, then the CSRF check
    app.add_middleware(SameOriginWrites, cookie=verifier.settings.session_cookie, trusted=ui.trusted_origins)
    app.add_middleware(BodyLimit, max_bytes=ui.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    add_api_docs(app)
    install_error_docs(app)
    install_input_errors(app)
    install_error_pages(app)
    install_unavailable(app)
    install_refusal_audit(app)
    app.state.verifier = verifier
    app.state.audit = audit
    if page_context is not None:
        install_page_context(app, page_context)
    dev = verifier.dev_issuer is not None
    cookie = verifier.settings.session_cookie

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/auth/login?next={exc.next_url}", status_code=303)

    auth = APIRouter(prefix="/auth", tags=["sign-in"], include_in_schema=False)

    @auth.get("/login")
    async def login_page(request: Request, next: str = "/", q: str = "") -> Response:  # noqa: A002
        users, total = None, 0
        if dev:
            everyone = [DIRECTOR, INTEGRATION] + (await demo_users() if demo_users else [])
            total = len(everyone)
            unit_names = getattr(request.state, "unit_names", {})
            users = [u for u in everyone if matches(u, q, unit_names)][:LOGIN_ROWS]
        return render(request, SHARED_TEMPLATES, "login.html",
                      {"users": users, "next": _safe_next(next), "dev_auth": dev, "q": q[:100], "total": total,
                       "max_rows": LOGIN_ROWS})

    @auth.get("/dev/sign-in")
    async def dev_sign_in(request: Request, user: str, next: str = "/") -> Response:  # noqa: A002
        if not dev or verifier.dev_issuer is None:
            raise HTTPException(404, detail="the development issuer is off")
        known = [DIRECTOR, INTEGRATION] + (await demo_users() if demo_users else [])
        match = [u for u in known if u.subject == user]
        if not match:
            raise HTTPException(404, detail=f"no demo user {user}")
        next_user = match[0]
        token = verifier.dev_issuer.mint(subject=next_user.subject, roles=next_user.roles,
                                         staff_oid=next_user.staff_oid, unit_ids=next_user.units,
                                         name=next_user.name, scopes=next_user.scopes)
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(cookie, token, httponly=True, samesite="lax",
                            secure=verifier.settings.cookie_secure, max_age=8 * 3600)
        return response

    @auth.post("/logout")
    async def logout(request: Request) -> Response:
        """Signs the session out on the server (the token stops working on every service) and
        drops the cookie. A POST: the same-origin check keeps other sites from signing people out."""
        try:
            token = token_from(request, cookie)
            if token:
                await verifier.sign_out(token)
        except InvalidToken:
            pass  # already invalid: nothing to revoke
        response = RedirectResponse("/auth/login", status_code=303)
        response.delete_cookie(cookie)
        return response

    app.include_router(auth)
    for router in routers:
        app.include_router(router)
    return app


def sis_demo_users(db: Any, limit: int = 5000) -> DemoUsers:
    """Demo users from the service's ``sis_staff`` view (all of them, up to ``limit``), each with the
    codes of the groups they work with from the ``sis_groups`` view."""

    async def load() -> list[DemoUser]:
        groups: dict[str, set[str]] = {}
        async for doc in db["sis_groups"].find({}, {"code": 1, "responsible_teacher_oids": 1, "counselor_oid": 1,
                                                    "special_needs_teacher_oid": 1, "curator_oid": 1}):
            for oid in group_people(doc):
                groups.setdefault(oid, set()).add(doc.get("code") or doc["_id"])
        users = [DemoUser(doc["_id"], doc.get("display_name", doc["_id"]), list(doc.get("roles", [])),
                          list(doc.get("unit_ids", [])), staff_oid=doc["_id"],
                          groups=sorted(groups.get(doc["_id"], ())))
                 async for doc in db["sis_staff"].find({}, limit=limit)]
        return sorted(users, key=lambda u: (u.roles[0] if u.roles else "", u.name))

    return load


def group_people(group: dict[str, Any]) -> list[str]:
    """Staff OIDs named on a group document of the SIS view."""
    people = list(group.get("responsible_teacher_oids") or [])
    people += [group[k] for k in ("counselor_oid", "special_needs_teacher_oid", "curator_oid") if group.get(k)]
    return people


#: rows the development sign-in page lists at once (the search narrows them down)
LOGIN_ROWS = 60


def matches(user: DemoUser, query: str, unit_names: dict[str, str]) -> bool:
    """Every word of ``query`` is in the user's name, role (code or any language's label), unit
    (id or name) or group codes, case-insensitively."""
    words = query.lower().split()
    if not words:
        return True
    labels = [catalog.get(f"role.{r}", "") for catalog in COMMON.values() for r in user.roles]
    haystack = " ".join([user.name, *user.roles, *labels, *user.units,
                         *(unit_names.get(u, "") for u in user.units), *user.groups]).lower()
    return all(word in haystack for word in words)
