"""The cross-unit write matrix (tests): every state-changing endpoint of an app, tried on another
unit's objects by every role.

A service's test lists, for each of its state-changing routes, how to call it on an object of
unit A (path values and a valid body); ``unlisted_writes`` fails the test when the app has a
write that the list does not cover, so a new endpoint cannot skip the matrix. ``cross_unit_attempts``
sends every listed write as every role working in unit B (a stranger to the object, with every
scope), and returns each answer that is not a refusal (403/404), and each that is a server error.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute

from hoks_shared.auth.roles import Role
from hoks_testing.auth import auth_headers

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Writes that are about the caller's own session, not about another unit's objects.
SESSION_PATHS = ("/auth/",)
REFUSED = (403, 404)
STRANGER = "1.2.246.562.24.77777777001"
ALL_SCOPES = ["referrals:read", "meetings:read", "reports:read", "schedule:read"]


@dataclass(frozen=True)
class Write:
    """How to call one state-changing route on unit A's object."""

    method: str
    path: str  # the route's template, e.g. "/referrals/{referral_id}/accept"
    values: Mapping[str, str] = field(default_factory=dict)
    body: Any = None

    def url(self) -> str:
        return re.sub(r"\{([^}:]+)(:[^}]*)?\}", lambda m: self.values[m.group(1)], self.path)


def _routes(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    out: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):  # FastAPI keeps included routers nested
            out += _routes(route.original_router.routes, prefix + route.include_context.prefix)
    return out


def state_changing_routes(app: FastAPI) -> set[tuple[str, str]]:
    return {(method, path) for path, route in _routes(app.routes) for method in route.methods & WRITE_METHODS
            if not path.startswith(SESSION_PATHS)}


def deployed_app(service: str) -> FastAPI:
    """The service's HTTP app as its ``main`` composes it (nothing is started or connected)."""
    _, runtime = importlib.import_module(f"hoks_{service}.main").build()
    return runtime.http


def unlisted_writes(app: FastAPI, writes: list[Write]) -> set[tuple[str, str]]:
    return state_changing_routes(app) - {(w.method, w.path) for w in writes}


def role_headers(role: Role, unit: str) -> dict[str, str]:
    if role == Role.INTEGRATION_CLIENT:
        return auth_headers(role, scopes=ALL_SCOPES)
    return auth_headers(role, staff_oid=STRANGER, unit_ids=[unit])


async def cross_unit_attempts(client: httpx.AsyncClient, writes: list[Write], other_unit: str,
                              roles: list[Role] | None = None) -> list[str]:
    """Every listed write as every role of ``other_unit``: the answers that let it through."""
    problems = []
    for write in writes:
        for role in roles or [r for r in Role if r != Role.DIRECTOR]:
            r = await client.request(write.method, write.url(), json=write.body,
                                     headers=role_headers(role, other_unit))
            if r.status_code not in REFUSED:
                problems.append(f"{write.method} {write.url()} as {role} of {other_unit} → {r.status_code}")
    return problems
