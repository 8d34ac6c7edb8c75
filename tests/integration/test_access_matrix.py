"""Access matrix: every HTTP endpoint of every service × every role × own/other unit.

Each endpoint must declare who may call it (``Allow``/``AllowPage``). Without a token it answers
401 (a page redirects to sign-in), to a role it does not name 403, to an integration client
without the endpoint's scope 403; an allowed role asking for another unit's data never gets it
(403/404). Object-level rules on real data (a teacher's own groups, a manager's own unit) are
tested per service next to the endpoints.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from hoks_shared.auth import Allow, Role
from hoks_testing.auth import token_for
from tests.integration.conftest import Stack, running

pytestmark = pytest.mark.integration

SERVICES = ["scheduler", "meetings", "referrals", "reporting"]
OWN_UNIT, OTHER_UNIT = "unit-own", "unit-other"
ME = "1.2.246.562.24.80000000001"
#: API documents, and "/" which only redirects to the (signed-in) pages
PUBLIC_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/"}


def _allows(dependant: Any) -> list[Allow]:
    found = []
    for dep in dependant.dependencies:
        if isinstance(dep.call, Allow):
            found.append(dep.call)
        found.extend(_allows(dep))
    return found


def _api_routes(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    """Every ``APIRoute`` with its full path (FastAPI ≥ 0.16x keeps included routers nested)."""
    out: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):
            out += _api_routes(route.original_router.routes, prefix + route.include_context.prefix)
    return out


def endpoints(app: Any) -> list[tuple[str, APIRoute, str, list[Allow]]]:
    out = []
    for path, route in _api_routes(app.routes):
        if path in PUBLIC_PATHS or path.startswith("/auth/"):
            continue
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            out.append((path, route, method, _allows(route.dependant)))
    return out


def _url(path: str, route: APIRoute, unit: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if "unit" in name:
            return unit
        if name.endswith("oid"):
            return "1.2.246.562.24.80000000999"
        return "matrix-missing-1"
    path = re.sub(r"\{([^}]+)\}", value, path)
    query_units = [p.alias for p in route.dependant.query_params if "unit" in p.alias]
    return path + (f"?{query_units[0]}={unit}" if query_units else "")


def _has_unit_param(path: str, route: APIRoute) -> bool:
    """The endpoint is asked for one unit's data (``{unit_id}`` in the path or a unit query)."""
    return re.search(r"\{[^}]*unit[^}]*\}", path) is not None or any("unit" in p.alias for p in route.dependant.query_params)


def _token(role: Role) -> str:
    if role == Role.INTEGRATION_CLIENT:
        return token_for(role, scopes=[])  # no scopes: must not pass a scoped endpoint
    return token_for(role, staff_oid=ME, unit_ids=[OWN_UNIT])


@pytest.mark.parametrize("service", SERVICES)
async def test_every_endpoint_every_role_own_and_other_unit(stack: Stack, service: str) -> None:
    main = importlib.import_module(f"hoks_{service}.main")
    async with running(main.build, stack.settings(service)) as runtime:
        routes = endpoints(runtime.http)
        undeclared = [f"{m} {path}" for path, _r, m, allows in routes if not allows]
        assert undeclared == [], f"{service}: endpoints that do not declare who may call them: {undeclared}"
        leaks: list[str] = []
        transport = httpx.ASGITransport(runtime.http, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://matrix") as client:
            for path, route, method, allows in routes:
                allowed = frozenset().union(*(a.roles for a in allows))
                scoped = any(a.scope for a in allows)
                is_page = any(a.page for a in allows)
                anonymous = await client.request(method, _url(path, route, OWN_UNIT))
                if not ((is_page and anonymous.status_code in (303, 307)) or anonymous.status_code == 401):
                    leaks.append(f"{method} {path}: no token → {anonymous.status_code}")
                for role in Role:
                    for unit in (OWN_UNIT, OTHER_UNIT):
                        r = await client.request(method, _url(path, route, unit),
                                                 headers={"Authorization": f"Bearer {_token(role)}"})
                        where = f"{method} {path} as {role} ({unit}) → {r.status_code}"
                        if r.status_code == 401 or r.status_code >= 500:
                            leaks.append(where)
                        elif role not in allowed or (role == Role.INTEGRATION_CLIENT and scoped):
                            if r.status_code != 403:
                                leaks.append(where + " (role not allowed)")
                        elif (unit == OTHER_UNIT and role != Role.DIRECTOR and _has_unit_param(path, route)
                              and r.status_code < 400):
                            leaks.append(where + " (another unit's data)")
        assert len(routes) > 0
        assert leaks == [], f"{service}: {len(leaks)} problems:\n" + "\n".join(leaks[:40])
