"""Calendar-feed tokens: one random token per person, kept server-side, revocable and rotatable.

Calendar clients (Outlook, Google Calendar) cannot send bearer tokens, so a feed URL carries a
token. It is random (256 bits), not derived from the OID, so knowing someone's OID gives
nothing. The store keeps only an HMAC of it under ``HOKS_SCHEDULER_FEED_SECRET`` (a copy of the
database alone gives no working URL), the moment it was issued, and it stops working after
``feed_token_days``, when its person turns the feed off, or when they create a new address.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase

FEEDS = "calendar_feeds"


@dataclass(frozen=True)
class FeedStatus:
    issued_at: datetime
    expires_at: datetime


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), f"calendar-feed-token:{token}".encode(), hashlib.sha256).hexdigest()


class FeedStore(Protocol):
    async def put(self, person_oid: str, token_digest: str, issued_at: datetime) -> None: ...

    async def get(self, person_oid: str) -> tuple[str, datetime] | None: ...

    async def delete(self, person_oid: str) -> None: ...


class FeedTokens:
    def __init__(self, store: FeedStore, secret: str, valid_days: int,
                 clock: Any = lambda: datetime.now(UTC)) -> None:
        self.store = store
        self.secret = secret
        self.valid_for = timedelta(days=valid_days)
        self.clock = clock

    async def issue(self, person_oid: str) -> tuple[str, FeedStatus]:
        """A new token for the person; the previous one (if any) stops working."""
        token, now = new_token(), self.clock()
        await self.store.put(person_oid, digest(self.secret, token), now)
        return token, FeedStatus(now, now + self.valid_for)

    async def revoke(self, person_oid: str) -> None:
        await self.store.delete(person_oid)

    async def status(self, person_oid: str) -> FeedStatus | None:
        found = await self.store.get(person_oid)
        if found is None:
            return None
        issued_at = found[1] if found[1].tzinfo else found[1].replace(tzinfo=UTC)
        status = FeedStatus(issued_at, issued_at + self.valid_for)
        return status if status.expires_at > self.clock() else None

    async def valid(self, person_oid: str, token: str) -> bool:
        found = await self.store.get(person_oid)
        if found is None or not await self.status(person_oid):
            return False
        return hmac.compare_digest(found[0], digest(self.secret, token))


class MongoFeedStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db[FEEDS]

    async def put(self, person_oid: str, token_digest: str, issued_at: datetime) -> None:
        await self.collection.replace_one({"_id": person_oid}, {"digest": token_digest, "issued_at": issued_at},
                                          upsert=True)

    async def get(self, person_oid: str) -> tuple[str, datetime] | None:
        doc = await self.collection.find_one({"_id": person_oid})
        return (doc["digest"], doc["issued_at"]) if doc else None

    async def delete(self, person_oid: str) -> None:
        await self.collection.delete_one({"_id": person_oid})


class MemoryFeedStore:
    """One process's feeds (unit tests)."""

    def __init__(self) -> None:
        self.docs: dict[str, tuple[str, datetime]] = {}

    async def put(self, person_oid: str, token_digest: str, issued_at: datetime) -> None:
        self.docs[person_oid] = (token_digest, issued_at)

    async def get(self, person_oid: str) -> tuple[str, datetime] | None:
        return self.docs.get(person_oid)

    async def delete(self, person_oid: str) -> None:
        self.docs.pop(person_oid, None)
