"""The store conformance suite: the document-store behaviour the services rely on.

It runs on the embedded store (FerretDB behind its atomic-write front) in ``./dev test`` and,
unchanged, against real MongoDB with ``HOKS_EXTERNAL_INFRA=1 MONGODB_URL=…``. Tests of a
FerretDB quirk (the reason for a workaround in the code) are skipped on MongoDB.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from tests.integration.conftest import Stack, stack  # noqa: F401 - the session's real infrastructure

#: separate clients, each with its own connection pool: "many clients at once"
CLIENTS = 4


@pytest.fixture
async def clients(stack: Stack) -> AsyncIterator[list[AsyncMongoClient[dict[str, Any]]]]:  # noqa: F811
    opened = [AsyncMongoClient(stack.mongodb_url, tz_aware=True, maxPoolSize=64) for _ in range(CLIENTS)]
    yield opened
    for c in opened:
        await c.close()


@pytest.fixture
async def dbs(clients: list[AsyncMongoClient[dict[str, Any]]]) -> AsyncIterator[list[AsyncDatabase[dict[str, Any]]]]:
    """One database seen through every client."""
    name = f"conf_{uuid.uuid4().hex[:10]}"
    yield [c[name] for c in clients]
    await clients[0].drop_database(name)


@pytest.fixture
async def is_ferretdb(clients: list[AsyncMongoClient[dict[str, Any]]]) -> bool:
    info = await clients[0].admin.command("buildInfo")
    return "ferretdbVersion" in info


@pytest.fixture
async def ferretdb_only(is_ferretdb: bool) -> None:
    if not is_ferretdb:
        pytest.skip("a FerretDB 1.24 quirk: MongoDB does not have it")
