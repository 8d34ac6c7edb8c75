"""Bearer-token verification: signature against the issuer's JWKS, issuer, audience, expiry, a
maximum lifetime, signed-out sessions, and the shape of the claims the platform relies on.

Whatever is wrong with a token ends as ``InvalidToken`` (HTTP 401); its message is for the log,
never for the caller.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime
from typing import Any

import jwt
from jwt import PyJWKClient

from hoks_shared.auth.dev_issuer import DevIssuer
from hoks_shared.auth.principal import Principal
from hoks_shared.auth.roles import Role
from hoks_shared.auth.sessions import InMemorySignedOut, SignedOutSessions
from hoks_shared.auth.settings import AuthSettings
from hoks_shared.contracts.identifiers import is_oid

#: What a client id must look like to be written into the audit trail (as ``LocalId``).
CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
#: Time claims must be JSON numbers (a string ``exp`` is refused, not converted).
TIME_CLAIMS = ("exp", "iat", "nbf")

log = logging.getLogger(__name__)


class InvalidToken(Exception):
    """The token was missing, malformed, expired, or not issued for this platform."""


class TokenVerifier:
    def __init__(self, settings: AuthSettings, signed_out: SignedOutSessions | None = None) -> None:
        self.settings = settings
        self.signed_out: SignedOutSessions = signed_out or InMemorySignedOut()
        self.dev_issuer: DevIssuer | None = None
        self._jwks: PyJWKClient | None = None
        if settings.mode == "dev":
            self.dev_issuer = DevIssuer(settings.dev_secret.get_secret_value())
        else:
            url = settings.effective_jwks_url()
            if url:
                self._jwks = PyJWKClient(url, cache_keys=True, lifespan=settings.jwks_cache_seconds)

    @property
    def configured(self) -> bool:
        return self.dev_issuer is not None or (
            self._jwks is not None and bool(self.settings.issuer) and bool(self.settings.audience))

    async def _key_for(self, token: str) -> Any:
        if self.dev_issuer is not None:
            return self.dev_issuer.public_key
        if self._jwks is None:
            raise InvalidToken("authentication is not configured (HOKS_AUTH_ISSUER/AUDIENCE/JWKS_URL)")
        try:  # PyJWKClient fetches with urllib (blocking) and caches the keys
            return (await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)).key
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            raise InvalidToken(f"signing key not found: {exc}") from exc

    async def verify(self, token: str) -> Principal:
        s = self.settings
        if not self.configured:
            raise InvalidToken("authentication is not configured (HOKS_AUTH_ISSUER/AUDIENCE/JWKS_URL)")
        key = await self._key_for(token)
        algorithms = ["EdDSA"] if self.dev_issuer is not None else s.algorithms
        try:
            claims = jwt.decode(token, key, algorithms=algorithms, audience=s.effective_audience(),
                                issuer=s.effective_issuer(), leeway=s.leeway_seconds,
                                options={"require": ["exp", "iat", "iss", "aud", "sub"]})
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            # e.g. an ES256 header naming an RSA key: the key type does not fit the algorithm
            raise InvalidToken(str(exc)) from exc
        _check_time_claims(claims)
        if claims["exp"] - claims["iat"] > s.max_token_lifetime_seconds:
            raise InvalidToken(f"token lifetime above {s.max_token_lifetime_seconds} s")
        if await self.signed_out.is_signed_out(token):
            raise InvalidToken("the session was signed out")
        return principal_from_claims(claims, s)

    async def sign_out(self, token: str) -> None:
        """Refuse this (valid) token from now on, on every service sharing the record."""
        principal = await self.verify(token)
        await self.signed_out.sign_out(token, principal.expires_at or datetime.now(UTC))


def _check_time_claims(claims: dict[str, Any]) -> None:
    for name in TIME_CLAIMS:
        value = claims.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise InvalidToken(f"claim {name} is not a number")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value]


def principal_from_claims(claims: dict[str, Any], s: AuthSettings) -> Principal:
    roles: set[Role] = set()
    for raw in _as_list(claims.get(s.roles_claim)):
        mapped = s.role_map.get(raw, raw)
        try:
            roles.add(Role(mapped))
        except ValueError:
            continue  # roles of other applications in the same token
    units = _as_list(claims.get(s.units_claim))
    all_units = Role.DIRECTOR in roles or s.all_units_value in units
    scopes = frozenset(_as_list(claims.get(s.scope_claim)))
    is_client = Role.INTEGRATION_CLIENT in roles
    staff_oid = None if is_client else claims.get(s.staff_oid_claim)
    if staff_oid is not None and not is_oid(staff_oid):
        raise InvalidToken(f"claim {s.staff_oid_claim} is not a person OID")
    client_id = str(claims.get(s.client_id_claim) or claims["sub"]) if is_client else None
    if client_id is not None and not CLIENT_ID.fullmatch(client_id):
        raise InvalidToken(f"client id {client_id[:40]!r} is not a plain identifier")
    return Principal(
        subject=str(claims["sub"]),
        roles=frozenset(roles),
        staff_oid=staff_oid,
        unit_ids=frozenset(u for u in units if u != s.all_units_value),
        all_units=all_units,
        display_name=str(claims.get(s.name_claim) or ""),
        scopes=scopes,
        client_id=client_id,
        expires_at=datetime.fromtimestamp(claims["exp"], UTC) if "exp" in claims else None,
    )
