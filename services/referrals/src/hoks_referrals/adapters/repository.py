"""Referrals in the document store; each carries its own outbox of events to publish."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, time
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from hoks_referrals.domain.referral import Referral
from hoks_shared.store.outbox import OUTBOX, PENDING

REFERRALS = "referrals"


class ReferralRepository(Protocol):
    async def create(self, referral: Referral, events: list[dict[str, Any]]) -> bool:
        """Store a new referral with its events; False when it already exists."""
        ...


class MongoReferralRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db[REFERRALS]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("student_oid", 1)])
        await self.collection.create_index([("target", 1), ("status", 1)])

    async def create(self, referral: Referral, events: list[dict[str, Any]]) -> bool:
        doc = asdict(referral)
        doc["_id"] = doc.pop("referral_id")
        doc["acknowledge_by"] = datetime.combine(referral.acknowledge_by, time())
        doc[OUTBOX] = events
        doc[PENDING] = len(events)
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True
