"""Bearer-token verification: signature against the issuer's JWKS, issuer, audience, expiry."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import jwt
from jwt import PyJWKClient

from hoks_shared.auth.dev_issuer import DevIssuer
from hoks_shared.auth.principal import Principal
from hoks_shared.auth.roles import Role
from hoks_shared.auth.settings import AuthSettings

log = logging.getLogger(__name__)


class InvalidToken(Exception):
    """The token was missing, malformed, expired, or not issued for this platform."""


class TokenVerifier:
    def __init__(self, settings: AuthSettings) -> None:
        self.settings = settings
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
        except jwt.PyJWTError as exc:
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
                                options={"require": ["exp", "iss", "aud", "sub"]})
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        return principal_from_claims(claims, s)


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
    return Principal(
        subject=str(claims["sub"]),
        roles=frozenset(roles),
        staff_oid=None if is_client else claims.get(s.staff_oid_claim),
        unit_ids=frozenset(u for u in units if u != s.all_units_value),
        all_units=all_units,
        display_name=str(claims.get(s.name_claim) or ""),
        scopes=scopes,
        client_id=str(claims.get(s.client_id_claim) or claims["sub"]) if is_client else None,
    )
