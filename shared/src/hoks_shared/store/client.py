"""The MongoDB client: real MongoDB in production, FerretDB (SQLite) as the embedded default."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from hoks_shared.settings import MongoSettings


def create_client(settings: MongoSettings, *, app_name: str = "hoks") -> AsyncMongoClient[dict[str, Any]]:
    options: dict[str, Any] = {
        "appname": app_name,
        "serverSelectionTimeoutMS": settings.server_selection_timeout_ms,
        "tz_aware": True,
    }
    if settings.tls_ca_file:
        options.update(tls=True, tlsCAFile=settings.tls_ca_file)
    return AsyncMongoClient(settings.url, **options)


async def ping(db: AsyncDatabase[dict[str, Any]], timeout_s: float = 2.0) -> bool:
    try:
        await db.command("ping", maxTimeMS=int(timeout_s * 1000))
        return True
    except Exception:  # noqa: BLE001 - health checks answer, they do not raise
        return False
