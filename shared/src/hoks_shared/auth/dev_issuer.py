"""The built-in DEVELOPMENT issuer: signs tokens for demo users. Local runs and tests only.

Its Ed25519 key is derived from ``HOKS_AUTH_DEV_SECRET``, so every service of a local run
verifies the same tokens without sharing files. It is active only with ``HOKS_AUTH_MODE=dev``.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hoks_shared.auth.settings import DEV_AUDIENCE, DEV_ISSUER


class DevIssuer:
    KEY_ID = "hoks-dev-1"

    def __init__(self, secret: str) -> None:
        seed = hashlib.sha256(b"hoks-dev-issuer:" + secret.encode()).digest()
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.public_key = self._key.public_key()

    def mint(self, *, subject: str, roles: list[str], staff_oid: str | None = None,
             unit_ids: list[str] | None = None, name: str = "", scopes: list[str] | None = None,
             ttl_seconds: int = 8 * 3600, extra: dict[str, Any] | None = None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": DEV_ISSUER, "aud": DEV_AUDIENCE, "sub": subject, "iat": now, "nbf": now,
            "exp": now + ttl_seconds, "roles": roles, "hoks_units": unit_ids or [], "name": name,
            "dev": True,
        }
        if staff_oid:
            claims["hoks_oid"] = staff_oid
        if scopes:
            claims["scope"] = " ".join(scopes)
            claims["azp"] = subject
        claims.update(extra or {})
        return jwt.encode(claims, self._key, algorithm="EdDSA", headers={"kid": self.KEY_ID})
