"""The MongoDB client: real MongoDB in production, FerretDB (SQLite) as the embedded default."""

from __future__ import annotations

from typing import Any

import pymongo
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from hoks_shared.settings import MongoSettings


def client_options(settings: MongoSettings, *, app_name: str = "hoks") -> dict[str, Any]:
    """PyMongo options: TLS (CA, client certificate) and credentials from the settings (secrets
    from the environment or mounted files, never from the code)."""
    options: dict[str, Any] = {
        "appname": app_name,
        "serverSelectionTimeoutMS": settings.server_selection_timeout_ms,
        "tz_aware": True,
    }
    if settings.tls or settings.tls_ca_file or settings.tls_certificate_key_file:
        options["tls"] = True
    if settings.tls_ca_file:
        options["tlsCAFile"] = settings.tls_ca_file
    if settings.tls_certificate_key_file:
        options["tlsCertificateKeyFile"] = settings.tls_certificate_key_file
    if settings.username:
        options.update(username=settings.username, authSource=settings.auth_source)
        if settings.password is not None:
            options["password"] = settings.password.get_secret_value()
    if settings.auth_mechanism:
        options["authMechanism"] = settings.auth_mechanism
    return options


def create_client(settings: MongoSettings, *, app_name: str = "hoks") -> AsyncMongoClient[dict[str, Any]]:
    return AsyncMongoClient(settings.url, **client_options(settings, app_name=app_name))


async def ping(db: AsyncDatabase[dict[str, Any]], timeout_s: float = 2.0) -> bool:
    """Whether the store answers within ``timeout_s``, server selection included.

    Bounded by PyMongo's own client-side timeout, never by cancelling the call: a PyMongo
    operation cancelled while it selects a server can leave the client's topology lock broken
    ("Lock is not acquired"), after which every operation of the client hangs (seen in the fault
    suite with the store down for 60 s)."""
    try:
        with pymongo.timeout(timeout_s):
            await db.command("ping")
        return True
    except Exception:  # noqa: BLE001 - health checks answer, they do not raise
        return False


#: one tiny document per service, rewritten by each health probe
HEALTH_PROBE = "_health_probe"


async def writable(db: AsyncDatabase[dict[str, Any]], who: str, timeout_s: float = 2.0) -> bool:
    """Whether the store takes a write within ``timeout_s``. A store that answers ``ping`` may
    still refuse every write (a full disk: the fault suite saw /health 200 while every write
    failed), so the health probe writes. Bounded like ``ping``, by PyMongo's own timeout."""
    try:
        with pymongo.timeout(timeout_s):
            await db[HEALTH_PROBE].update_one({"_id": who}, {"$inc": {"probes": 1}}, upsert=True)
        return True
    except Exception:  # noqa: BLE001 - health checks answer, they do not raise
        return False
