"""The HTTP layer every service shares (issue 17): CSRF, headers, request size, API docs without a
CDN, sign-out that revokes, generic 401s, documented error bodies."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from fastapi import APIRouter, Depends

from hoks_shared.auth import Allow, Principal, Role
from hoks_testing.auth import app_for_tests, token_for
from hoks_shared.web.render import SHARED_TEMPLATES, render

ME = "1.2.246.562.24.10000000001"


def _app():  # noqa: ANN202
    router = APIRouter()
    changes: list[str] = []

    @router.post("/things/{thing_id}/complete")
    async def complete(thing_id: str, who: Principal = Depends(Allow(Role.COUNSELOR))) -> dict:
        changes.append(thing_id)
        return {"done": thing_id}

    @router.get("/things")
    async def things(who: Principal = Depends(Allow(Role.COUNSELOR))) -> list[str]:
        return changes

    @router.get("/ui/page")
    async def page(request: "Request") -> object:  # noqa: F821
        return render(request, SHARED_TEMPLATES, "login.html", {"users": None, "next": "/", "dev_auth": False})

    app = app_for_tests([router])
    app.state.changes = changes
    return app


from fastapi import Request  # noqa: E402


@pytest.fixture
async def client():  # noqa: ANN201
    app = _app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://svc.test") as c:
        c.app = app  # type: ignore[attr-defined]
        yield c


def _cookie_client(client: httpx.AsyncClient) -> httpx.AsyncClient:
    client.cookies.set("hoks_session", token_for(Role.COUNSELOR, staff_oid=ME))
    return client


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "same-site", "Origin": "http://svc.test:9999"},  # another port of the same site
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    {"Origin": "http://evil.svc.test"},  # an older browser: Origin only
    {},  # neither header: refused too
])
async def test_cookie_authenticated_writes_from_another_origin_are_refused(client, headers) -> None:
    c = _cookie_client(client)
    r = await c.post("/things/t1/complete", headers=headers)
    assert r.status_code == 403 and r.json() == {"detail": "cross-origin request refused"}
    assert c.app.state.changes == []


async def test_a_browser_write_from_another_origin_is_refused_even_with_a_bearer_token(client) -> None:
    """A sign-in proxy in front turns the browser's cookie into ``Authorization``: the browser's
    ``Sec-Fetch-Site`` still tells where the request came from."""
    bearer = {"Authorization": f"Bearer {token_for(Role.COUNSELOR, staff_oid=ME)}"}
    r = await client.post("/things/t1/complete", headers={**bearer, "Sec-Fetch-Site": "same-site"})
    assert r.status_code == 403 and client.app.state.changes == []


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://svc.test"}])
async def test_same_origin_writes_and_bearer_callers_pass(client, headers) -> None:
    c = _cookie_client(client)
    assert (await c.post("/things/t1/complete", headers=headers)).status_code == 200
    c.cookies.clear()
    bearer = {"Authorization": f"Bearer {token_for(Role.COUNSELOR, staff_oid=ME)}"}
    assert (await c.post("/things/t2/complete", headers=bearer)).status_code == 200  # no browser, no CSRF
    assert c.app.state.changes == ["t1", "t2"]


async def test_pages_and_answers_carry_the_security_headers(client) -> None:
    page = await client.get("/ui/page")
    api = await client.get("/things")
    for r in (page, api):
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        script_src = re.search(r"script-src ([^;]+)", csp).group(1)
        assert "'unsafe-inline'" not in script_src and "'nonce-" in script_src
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer" and r.headers["cache-control"] == "no-store"
    nonces = {re.search(r"'nonce-([^']+)'", r.headers["content-security-policy"]).group(1) for r in (page, api)}
    assert len(nonces) == 2  # a new nonce per response


async def test_a_body_above_the_limit_is_refused_before_it_is_parsed(client) -> None:
    headers = {"Authorization": f"Bearer {token_for(Role.COUNSELOR, staff_oid=ME)}",
               "Content-Type": "application/json"}
    started = time.monotonic()
    r = await client.post("/things/t1/complete", content=b"[" + b"1," * 6_500_000 + b"1]", headers=headers)
    assert r.status_code == 413 and "too large" in r.json()["detail"]
    assert time.monotonic() - started < 2.0

    async def chunked():  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"x" * 100_000

    r = await client.post("/things/t1/complete", content=chunked(), headers=headers)
    assert r.status_code == 413 and client.app.state.changes == []


async def test_api_docs_come_from_the_package_not_a_cdn(client) -> None:
    docs = await client.get("/docs")
    assert docs.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert sources and all(s.startswith("/docs/static/") for s in sources), sources
    assert "<script>" not in docs.text  # no inline script: the CSP allows none
    for source in sources:
        asset = await client.get(source)
        assert asset.status_code == 200 and len(asset.content) > 100, source


async def test_sign_out_is_a_post_and_the_token_stops_working(client) -> None:
    token = token_for(Role.COUNSELOR, staff_oid=ME)
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/things", headers=bearer)).status_code == 200
    assert (await client.get("/auth/logout", cookies={"hoks_session": token})).status_code == 405
    client.cookies.set("hoks_session", token)
    out = await client.post("/auth/logout", headers={"Sec-Fetch-Site": "same-origin"})
    assert out.status_code == 303 and out.headers["location"] == "/auth/login"
    assert 'hoks_session=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
    client.cookies.clear()
    assert (await client.get("/things", headers=bearer)).status_code == 401  # revoked, not just forgotten


async def test_a_401_does_not_say_why(client) -> None:
    expired = token_for(Role.COUNSELOR, staff_oid=ME, ttl_seconds=-300)
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": f"Bearer {expired}"},
                    {"Authorization": "Bearer not-a-token"}):
        r = await client.get("/things", headers=headers)
        assert r.status_code == 401 and r.json() == {"detail": "authentication required"}


async def test_every_operation_documents_its_error_answers(client) -> None:
    schema = (await client.get("/openapi.json")).json()
    detail = schema["components"]["schemas"]["Error"]["properties"]["detail"]["anyOf"]
    assert {d["type"] for d in detail} == {"string", "array"}
    for path, item in schema["paths"].items():
        for method, op in item.items():
            for code in ("401", "403", "404", "409", "413", "422"):
                ref = op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/Error"), (method, path, code)


async def test_a_lone_surrogate_or_odd_input_is_a_422_not_a_500() -> None:
    from pydantic import BaseModel

    from hoks_shared.contracts.identifiers import Oid

    class Body(BaseModel):
        student_oid: Oid

    router = APIRouter()

    @router.post("/echo")
    async def echo(body: Body, who: Principal = Depends(Allow(Role.COUNSELOR))) -> dict:
        return {"oid": body.student_oid}

    bearer = {"Authorization": f"Bearer {token_for(Role.COUNSELOR, staff_oid=ME)}",
              "Content-Type": "application/json"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app_for_tests([router]), raise_app_exceptions=False),
                                 base_url="http://svc.test") as c:
        for raw in (b'{"student_oid": "\\ud800"}', b'{"student_oid": "1.2.246.562.24.\\u0661\\u0660\\u0660\\u0660\\u0660\\u0661"}',
                    b'{"student_oid": "1.2.246.562.24.10000000001\\n"}', b'{"student_oid": 5}', b'[', b'"\\udfff"'):
            r = await c.post("/echo", content=raw, headers=bearer)
            assert r.status_code == 422, (raw, r.status_code)
            assert all(set(e) == {"loc", "msg", "type"} for e in r.json()["detail"])  # nothing sent is echoed
