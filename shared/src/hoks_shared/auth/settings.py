"""Authentication settings (``HOKS_AUTH_*``): the provider's OpenID Connect identity provider.

Production: ``HOKS_AUTH_MODE=oidc`` (the default) with the issuer, the audience and the JWKS URL
of the provider's identity provider; claim names and the mapping of the identity provider's
role names are configurable. ``HOKS_AUTH_MODE=dev`` switches on the built-in development issuer
(demo users, keys derived from a development secret): local runs and tests only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_ISSUER = "urn:hoks:dev-issuer"
DEV_AUDIENCE = "hoks-followup"
DEV_SECRET = "hoks-local-development-only"  # noqa: S105 - a development default, never for production


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOKS_AUTH_", extra="ignore")

    mode: Literal["oidc", "dev"] = "oidc"
    issuer: str | None = Field(default=None, description="OIDC issuer (the token's iss)")
    audience: str | None = Field(default=None, description="This platform's client id / API audience (aud)")
    jwks_url: str | None = Field(default=None, description="JWKS of the issuer; default <issuer>/.well-known/jwks.json")
    algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256", "PS256", "EdDSA"])
    leeway_seconds: int = 30
    jwks_cache_seconds: int = 600
    staff_oid_claim: str = Field(default="hoks_oid", description="Claim with the staff member's OID")
    roles_claim: str = "roles"
    units_claim: str = "hoks_units"
    all_units_value: str = Field(default="*", description="A units claim value meaning every unit")
    name_claim: str = "name"
    scope_claim: str = "scope"
    client_id_claim: str = "azp"
    role_map: dict[str, str] = Field(
        default_factory=dict,
        description="Identity provider role/group names → platform roles, e.g. {\"OPO\": \"counselor\"}",
    )
    dev_secret: SecretStr = SecretStr(DEV_SECRET)
    max_token_lifetime_seconds: int = Field(
        default=12 * 3600, gt=0, description="Tokens whose exp - iat is longer are refused")
    sessions_database: str = Field(
        default="hoks_sessions", description="Database of the signed-out sessions, shared by the services")
    session_cookie: str = "hoks_session"
    cookie_secure: bool = False

    def effective_issuer(self) -> str:
        return DEV_ISSUER if self.mode == "dev" else (self.issuer or "")

    def effective_audience(self) -> str:
        return DEV_AUDIENCE if self.mode == "dev" else (self.audience or "")

    def effective_jwks_url(self) -> str | None:
        if self.jwks_url:
            return self.jwks_url
        return f"{self.issuer.rstrip('/')}/.well-known/jwks.json" if self.issuer else None
