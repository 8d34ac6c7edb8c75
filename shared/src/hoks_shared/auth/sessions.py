"""Signed-out sessions: a token that was signed out stops working at once, on every service.

A bearer token stays valid until its ``exp``; signing out (``POST /auth/logout``) therefore
records the token's digest (SHA-256, never the token) until that moment, and the verifier
refuses a recorded token. The services share one collection (``HOKS_AUTH_SESSIONS_DATABASE``),
because one session cookie reaches all of them; a record is deleted once its token would have
expired anyway (at the next sign-out: FerretDB has no TTL indexes).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection

SIGNED_OUT = "signed_out_sessions"


def session_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignedOutSessions(Protocol):
    async def sign_out(self, token: str, expires_at: datetime) -> None: ...

    async def is_signed_out(self, token: str) -> bool: ...


class InMemorySignedOut:
    """One process's record (unit tests, and a single-process run)."""

    def __init__(self) -> None:
        self._digests: dict[str, datetime] = {}

    async def sign_out(self, token: str, expires_at: datetime) -> None:
        self._digests[session_digest(token)] = expires_at

    async def is_signed_out(self, token: str) -> bool:
        return session_digest(token) in self._digests


class StoredSignedOut:
    """The shared record in the document store (every service of an installation)."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection
        self._local = InMemorySignedOut()  # this process knows its own sign-outs without a round trip

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("expires_at")

    async def sign_out(self, token: str, expires_at: datetime) -> None:
        await self._local.sign_out(token, expires_at)
        now = datetime.now(UTC)
        await self.collection.update_one({"_id": session_digest(token)},
                                         {"$set": {"expires_at": expires_at, "at": now}}, upsert=True)
        await self.collection.delete_many({"expires_at": {"$lt": now}})

    async def is_signed_out(self, token: str) -> bool:
        if await self._local.is_signed_out(token):
            return True
        return await self.collection.find_one({"_id": session_digest(token)}, {"_id": 1}) is not None
