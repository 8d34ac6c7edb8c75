"""The audit trail: who read or changed student-level data, what, when and through which endpoint.

Each record is stored in the service's ``audit_log`` collection and published as
``audit-recorded`` on the audit topic through the outbox inside the same document, so a stored
record is always published. Ids only: no names, no content of what was read.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from collections.abc import Sequence
from typing import Any, Literal

from pymongo.asynchronous.database import AsyncDatabase

from hoks_shared.auth.principal import Principal
from hoks_shared.contracts.audit import AuditRecorded
from hoks_shared.messaging.publishing import EventPublisher
from hoks_shared.store.outbox_writes import Outbox, Outgoing, Wakes

AUDIT_LOG = "audit_log"
Action = Literal["read", "create", "update", "delete"]

log = logging.getLogger(__name__)


def audit_event(principal: Principal, *, action: Action, resource: str, resource_id: str,
                student_oid: str | None, endpoint: str, at: datetime,
                student_oids: Sequence[str] = (), resource_ids: Sequence[str] = ()) -> AuditRecorded:
    return AuditRecorded(
        actor_oid=principal.staff_oid,
        actor_client_id=principal.client_id if principal.staff_oid is None else None,
        action=action, resource=resource, resource_id=resource_id, student_oid=student_oid,
        student_oids=list(student_oids), resource_ids=list(resource_ids),
        endpoint=endpoint, at=at,
    )


class AuditRecorder:
    """What an audit trail records; where it goes is the subclass's ``_store``."""

    async def _store(self, event: AuditRecorded) -> AuditRecorded:
        raise NotImplementedError

    async def record_refused(self, principal: Principal, *, method: str, route: str) -> AuditRecorded:
        """An attempt the service refused (403): who, what kind of action, which endpoint."""
        action: Action = "read" if method in ("GET", "HEAD") else "delete" if method == "DELETE" else "update"
        resource = route.strip("/").split("/")[0] or "service"
        event = audit_event(principal, action=action, resource="refused-request",
                            resource_id=resource, student_oid=None, endpoint=f"{method} {route}", at=datetime.now(UTC))
        return await self._store(event.model_copy(update={"outcome": "refused"}))

    async def record(self, principal: Principal, *, action: Action, resource: str, resource_id: str,
                     student_oid: str | None = None, endpoint: str) -> AuditRecorded:
        """One record of one object (and the student it concerns)."""
        return await self._store(audit_event(principal, action=action, resource=resource, resource_id=resource_id,
                                             student_oid=student_oid, endpoint=endpoint, at=datetime.now(UTC)))

    async def record_list_read(self, principal: Principal, *, resource: str, list_id: str,
                               shown: Sequence[tuple[str, str]], endpoint: str) -> AuditRecorded | None:
        """One record for a list read: every ``(object id, student OID)`` shown (the two lists of
        the event stay aligned), in one document
        (a page of 500 referrals is one write and one event, not 500). Nothing shown, no record."""
        if not shown:
            return None
        return await self._store(audit_event(
            principal, action="read", resource=resource, resource_id=list_id, student_oid=None,
            endpoint=endpoint, at=datetime.now(UTC),
            student_oids=[oid for _, oid in shown], resource_ids=[object_id for object_id, _ in shown]))


class AuditTrail(AuditRecorder):
    def __init__(self, db: AsyncDatabase[dict[str, Any]], publisher: EventPublisher, service: str,
                 relay: Wakes | None = None) -> None:
        self.service = service
        # the relay is handed each record's entries: a record is written once, never read back
        self.outbox = Outbox(db[AUDIT_LOG], publisher.outgoing_entry, relay, known_entries=True)

    async def _store(self, event: AuditRecorded) -> AuditRecorded:
        at = event.at
        event_id = str(uuid.uuid4())
        doc_id = f"{self.service}:{event_id}"
        # one insert holds the record and its outbox entry: stored means published (eventually)
        await self.outbox.insert({"_id": doc_id, "service": self.service, **event.model_dump(mode="json")},
                                 [Outgoing(event, event_id=event_id, time=at)])
        return event
