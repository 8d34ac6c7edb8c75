"""The MongoDB client: real MongoDB in production, FerretDB (SQLite) as the embedded default."""

from __future__ import annotations

from typing import Any

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
    try:
        await db.command("ping", maxTimeMS=int(timeout_s * 1000))
        return True
    except Exception:  # noqa: BLE001 - health checks answer, they do not raise
        return False
