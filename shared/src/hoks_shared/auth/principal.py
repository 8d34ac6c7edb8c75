"""The signed-in caller, as the verified token describes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from fastapi import HTTPException, status

from hoks_shared.auth.roles import Role


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[Role]
    staff_oid: str | None = None  # None for an integration client
    unit_ids: frozenset[str] = field(default_factory=frozenset)
    all_units: bool = False  # a director sees every unit of the provider
    display_name: str = ""
    scopes: frozenset[str] = field(default_factory=frozenset)
    client_id: str | None = None
    expires_at: datetime | None = None  # the token's exp

    def has_role(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    def can_access_unit(self, unit_id: str | None) -> bool:
        return self.all_units or (unit_id is not None and unit_id in self.unit_ids)

    def ensure_unit(self, unit_id: str | None) -> None:
        """HTTP 403 unless the caller's units include ``unit_id`` (object-level check)."""
        if not self.can_access_unit(unit_id):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"no access to unit {unit_id}")

    def is_person(self, oid: str | None) -> bool:
        return oid is not None and self.staff_oid == oid
