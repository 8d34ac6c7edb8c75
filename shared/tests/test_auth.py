"""Authentication: token verification (dev issuer and a real OIDC-style JWKS), roles, scopes, pages."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, Depends

from hoks_shared.auth import Allow, AllowPage, AuditDep, AuthSettings, InvalidToken, Principal, Role, TokenVerifier
from hoks_shared.auth.dev_issuer import DevIssuer
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers, token_for

TEACHER = "1.2.246.562.24.10000000001"


async def test_dev_token_becomes_a_principal() -> None:
    verifier = TokenVerifier(AuthSettings(mode="dev"))
    p = await verifier.verify(token_for(Role.RESPONSIBLE_TEACHER, staff_oid=TEACHER, unit_ids=["u1"]))
    assert p.roles == {Role.RESPONSIBLE_TEACHER} and p.staff_oid == TEACHER and p.unit_ids == {"u1"}
    assert p.can_access_unit("u1") and not p.can_access_unit("u2") and not p.all_units


async def test_director_sees_every_unit_and_client_has_no_staff_oid() -> None:
    verifier = TokenVerifier(AuthSettings(mode="dev"))
    director = await verifier.verify(token_for(Role.DIRECTOR, staff_oid=TEACHER))
    assert director.all_units and director.can_access_unit("anything")
    client = await verifier.verify(token_for(Role.INTEGRATION_CLIENT, scopes=["referrals:read"]))
    assert client.staff_oid is None and client.scopes == {"referrals:read"} and client.client_id


@pytest.mark.parametrize("mutate", ["expired", "other-secret", "tampered", "garbage"])
async def test_bad_tokens_are_refused(mutate: str) -> None:
    verifier = TokenVerifier(AuthSettings(mode="dev"))
    if mutate == "expired":
        token = token_for(Role.COUNSELOR, ttl_seconds=-120)
    elif mutate == "other-secret":
        token = DevIssuer("another").mint(subject=TEACHER, roles=["counselor"])
    elif mutate == "tampered":
        head, body, sig = token_for(Role.COUNSELOR).split(".")
        claims = json.loads(jwt.utils.base64url_decode(body))
        claims["roles"] = ["director"]
        token = ".".join([head, jwt.utils.base64url_encode(json.dumps(claims).encode()).decode(), sig])
    else:
        token = "not-a-token"
    with pytest.raises(InvalidToken):
        await verifier.verify(token)


@pytest.fixture
def rsa_idp():  # noqa: ANN201
    """A stand-in identity provider on loopback: an RSA key and its JWKS over HTTP."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid="idp-1", use="sig", alg="RS256")
    body = json.dumps({"keys": [jwk]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield key, f"http://127.0.0.1:{server.server_port}/jwks.json"
    server.shutdown()


async def test_oidc_mode_verifies_against_the_identity_providers_jwks(rsa_idp) -> None:  # noqa: ANN001
    key, jwks_url = rsa_idp
    settings = AuthSettings(mode="oidc", issuer="https://idp.example.fi/realms/edu", audience="hoks",
                            jwks_url=jwks_url, role_map={"OPO": "counselor"})
    now = int(time.time())
    claims = {"iss": settings.issuer, "aud": "hoks", "sub": "abc", "exp": now + 60, "iat": now,
              "roles": ["OPO", "some-other-app-role"], "hoks_oid": TEACHER, "hoks_units": ["u1"]}
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "idp-1"})
    p = await TokenVerifier(settings).verify(token)
    assert p.roles == {Role.COUNSELOR} and p.staff_oid == TEACHER
    wrong_aud = jwt.encode({**claims, "aud": "other"}, key, algorithm="RS256", headers={"kid": "idp-1"})
    with pytest.raises(InvalidToken):
        await TokenVerifier(settings).verify(wrong_aud)
    dev_token = token_for(Role.DIRECTOR)  # a development token never passes in production mode
    with pytest.raises(InvalidToken):
        await TokenVerifier(settings).verify(dev_token)


async def test_unconfigured_production_auth_refuses_everything() -> None:
    with pytest.raises(InvalidToken, match="not configured"):
        await TokenVerifier(AuthSettings(mode="oidc")).verify(token_for(Role.DIRECTOR))


def _app(audit: RecordingAudit):  # noqa: ANN202
    router = APIRouter()

    @router.get("/units/{unit_id}/things")
    async def things(unit_id: str, audit: AuditDep,
                     who: Principal = Depends(Allow(Role.EDUCATION_MANAGER, Role.DIRECTOR))) -> dict:
        who.ensure_unit(unit_id)
        await audit.record(who, action="read", resource="thing", resource_id=unit_id,
                           endpoint="GET /units/{unit_id}/things")
        return {"unit": unit_id}

    @router.get("/feed")
    async def feed(who: Principal = Depends(Allow(Role.INTEGRATION_CLIENT, scope="referrals:read"))) -> dict:
        return {"client": who.client_id}

    @router.get("/ui/page")
    async def page(who: Principal = Depends(AllowPage(Role.COUNSELOR))) -> dict:
        return {"ok": True}

    return app_for_tests([router], audit)


async def test_endpoint_roles_units_scopes_and_audit() -> None:
    audit = RecordingAudit()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(_app(audit)), base_url="http://t") as c:
        assert (await c.get("/units/u1/things")).status_code == 401
        assert (await c.get("/units/u1/things", headers={"Authorization": "Basic x"})).status_code == 401
        assert (await c.get("/units/u1/things", headers=auth_headers(Role.COUNSELOR, unit_ids=["u1"]))).status_code == 403
        mgr = auth_headers(Role.EDUCATION_MANAGER, staff_oid=TEACHER, unit_ids=["u1"])
        assert (await c.get("/units/u1/things", headers=mgr)).status_code == 200
        assert (await c.get("/units/u2/things", headers=mgr)).status_code == 403
        assert (await c.get("/units/u2/things", headers=auth_headers(Role.DIRECTOR))).status_code == 200
        allowed = [r for r in audit.records if r.outcome == "allowed"]
        assert [(r.actor_oid, r.resource_id) for r in allowed][0] == (TEACHER, "u1")
        assert len(allowed) == 2
        # the two refusals of signed-in callers are recorded too, with the endpoint, not the content
        refused = [r for r in audit.records if r.outcome == "refused"]
        assert [(r.action, r.endpoint, r.resource_id) for r in refused] == [
            ("read", "GET /units/{unit_id}/things", "units")] * 2
        assert refused[1].actor_oid == TEACHER
        assert (await c.get("/feed", headers=auth_headers(Role.INTEGRATION_CLIENT, scopes=["x"]))).status_code == 403
        ok = await c.get("/feed", headers=auth_headers(Role.INTEGRATION_CLIENT, scopes=["referrals:read"]))
        assert ok.status_code == 200 and ok.json() == {"client": "test-client"}
        redirect = await c.get("/ui/page?x=1")
        assert redirect.status_code == 303 and redirect.headers["location"].startswith("/auth/login?next=%2Fui%2Fpage")
        cookie_ok = await c.get("/ui/page", cookies={"hoks_session": token_for(Role.COUNSELOR)})
        assert cookie_ok.status_code == 200


async def test_dev_sign_in_sets_the_session_cookie_and_only_redirects_locally() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(_app(RecordingAudit())), base_url="http://t") as c:
        page = await c.get("/auth/login?next=/ui/page")
        assert page.status_code == 200 and "Demo Director" in page.text
        signed = await c.get("/auth/dev/sign-in", params={"user": "demo-integration-client", "next": "https://evil.example/"})
        assert signed.status_code == 303 and signed.headers["location"] == "/"
        assert "hoks_session" in signed.cookies
        assert (await c.get("/auth/dev/sign-in", params={"user": "nobody"})).status_code == 404


def test_an_endpoint_must_name_its_roles() -> None:
    with pytest.raises(ValueError):
        Allow()


def _oidc(jwks_url: str) -> AuthSettings:
    return AuthSettings(mode="oidc", issuer="https://idp.example.fi/realms/edu", audience="hoks", jwks_url=jwks_url)


def _claims(**over: object) -> dict:
    now = int(time.time())
    return {"iss": "https://idp.example.fi/realms/edu", "aud": "hoks", "sub": "abc", "exp": now + 600,
            "iat": now, "roles": ["counselor"], "hoks_oid": TEACHER, **over}


@pytest.mark.parametrize("case", ["es256-header-rsa-key", "string-exp", "too-long-lived", "no-iat",
                                  "oid-not-an-oid", "oid-arabic-digits", "oid-trailing-newline",
                                  "client-id-not-an-id"])
async def test_malformed_or_overlong_tokens_are_refused_not_500(rsa_idp, case: str) -> None:  # noqa: ANN001
    key, jwks_url = rsa_idp
    verifier = TokenVerifier(_oidc(jwks_url))
    now = int(time.time())
    if case == "es256-header-rsa-key":  # signed with an RSA key, header says ES256 and names the RSA key
        token = jwt.encode(_claims(), key, algorithm="RS256", headers={"kid": "idp-1"})
        head, body, sig = token.split(".")
        forged = jwt.utils.base64url_encode(json.dumps({"alg": "ES256", "kid": "idp-1", "typ": "JWT"}).encode())
        token = ".".join([forged.decode(), body, sig])
    else:
        claims = {
            "string-exp": _claims(exp=str(now + 600)),
            "too-long-lived": _claims(exp=now + 30 * 24 * 3600),
            "no-iat": {k: v for k, v in _claims().items() if k != "iat"},
            "oid-not-an-oid": _claims(hoks_oid="{\"$ne\": 1}"),
            "oid-arabic-digits": _claims(hoks_oid="1.2.246.562.24.١٠٠٠٠٠٠٠٠٠١"),
            "oid-trailing-newline": _claims(hoks_oid=TEACHER + "\n"),
            "client-id-not-an-id": _claims(roles=["integration-client"], azp="client id with spaces/../"),
        }[case]
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "idp-1"})
    with pytest.raises(InvalidToken):
        await verifier.verify(token)
    # and through HTTP: a 401 with the generic body, never a 500
    from hoks_shared.web.app import create_http_app

    router = APIRouter()

    @router.get("/me")
    async def me(who: Principal = Depends(Allow(*Role))) -> dict:
        return {"who": who.subject}

    app = create_http_app("t", [router], verifier=verifier, audit=RecordingAudit())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as c:
        r = await c.get("/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401 and r.json() == {"detail": "authentication required"}
        ok = await c.get("/me", headers={"Authorization": f"Bearer {jwt.encode(_claims(), key, algorithm='RS256', headers={'kid': 'idp-1'})}"})
        assert ok.status_code == 200
