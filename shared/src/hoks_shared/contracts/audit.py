"""Audit records: who read or changed student-level data, when and through which endpoint.

Ids only: no names, no content of what was read.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.identifiers import Code, LocalId, Oid


class AuditRecorded(IntegrationEvent):
    EVENT_TYPE = "audit-recorded"
    event_type: Literal["audit-recorded"] = "audit-recorded"

    actor_oid: Oid | None = Field(default=None, description="None for an integration client")
    actor_client_id: LocalId | None = None
    action: Literal["read", "create", "update", "delete"]
    resource: Code
    resource_id: LocalId
    student_oid: Oid | None = None
    # added in v1 (additive): a read of a list is one record naming every student and object shown
    student_oids: list[Oid] = Field(default_factory=list, max_length=1000,
                                    description="Every student whose data the request showed")
    resource_ids: list[LocalId] = Field(default_factory=list, max_length=1000,
                                        description="Every object the request showed (a list read)")
    # added in v1 (additive): attempts the service refused (403) are recorded too
    outcome: Literal["allowed", "refused"] = "allowed"
    endpoint: str = Field(max_length=200, pattern=r"^[A-Z]+ /[A-Za-z0-9/{}._-]*$")
    at: AwareDatetime

    def partition_key(self) -> str:
        return self.student_oid or self.resource_id
