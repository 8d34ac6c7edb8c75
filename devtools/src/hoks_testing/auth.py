"""Tokens and a recording audit trail for tests (the development issuer signs the tokens)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, FastAPI

from hoks_shared.auth.audit import AuditRecorder
from hoks_shared.auth.dev_issuer import DevIssuer
from hoks_shared.auth.principal import Principal
from hoks_shared.auth.roles import Role
from hoks_shared.auth.settings import DEV_SECRET, AuthSettings
from hoks_shared.auth.tokens import TokenVerifier
from hoks_shared.contracts.audit import AuditRecorded

DEV_AUTH = AuthSettings(mode="dev")
_ISSUER = DevIssuer(DEV_SECRET)

_staff_counter = [0]


def token_for(*roles: Role | str, staff_oid: str | None = None, unit_ids: Sequence[str] = (),
              scopes: Sequence[str] = (), name: str = "Test Person", ttl_seconds: int = 3600) -> str:
    """A token of the development issuer (valid for services with ``HOKS_AUTH_MODE=dev``)."""
    role_values = [str(r) for r in roles]
    is_client = Role.INTEGRATION_CLIENT.value in role_values
    subject = staff_oid or ("test-client" if is_client else "1.2.246.562.24.90000000000")
    return _ISSUER.mint(subject=subject, roles=role_values, staff_oid=None if is_client else subject,
                        unit_ids=list(unit_ids), name=name, scopes=list(scopes), ttl_seconds=ttl_seconds)


def auth_headers(*roles: Role | str, **kwargs: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(*roles, **kwargs)}"}


@dataclass
class RecordingAudit(AuditRecorder):
    """A fake audit trail that keeps what it was told (unit tests)."""

    records: list[AuditRecorded] = field(default_factory=list)

    async def _store(self, event: AuditRecorded) -> AuditRecorded:
        self.records.append(event)
        return event


def app_for_tests(routers: Sequence[APIRouter], audit: Any | None = None) -> FastAPI:
    """A FastAPI app with the development authenticator and a recording audit trail."""
    from hoks_shared.web.app import create_http_app

    return create_http_app("test", routers, verifier=TokenVerifier(DEV_AUTH), audit=audit or RecordingAudit())
