"""A periodic run's store calls end by PyMongo's own timeout, not by cancellation (a PyMongo call
cancelled while selecting a server can break its client for good)."""

from __future__ import annotations

from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from hoks_shared.runtime.periodic import PeriodicTask
from hoks_shared.store.client import ping
from hoks_testing.http_server import free_port


async def test_a_store_call_in_a_periodic_run_times_out_inside_pymongo():
    # nothing listens there, and the client alone would wait 30 s to select a server
    client = AsyncMongoClient(f"mongodb://127.0.0.1:{free_port()}/", serverSelectionTimeoutMS=30000)
    errors: list[BaseException] = []

    async def refresh() -> None:
        await client["x"].command("ping")

    task = PeriodicTask("store-gauge", refresh, every_s=60, timeout_s=0.5, on_error=errors.append)
    try:
        assert await task.run_once() is False
    finally:
        await client.close()
    [error] = errors
    assert isinstance(error, PyMongoError), repr(error)  # PyMongo's timeout, not a cancellation


async def test_the_health_ping_of_an_unreachable_store_says_no_within_its_own_timeout():
    client = AsyncMongoClient(f"mongodb://127.0.0.1:{free_port()}/", serverSelectionTimeoutMS=30000)
    try:
        assert await ping(client["x"], timeout_s=0.3) is False
        assert await ping(client["x"], timeout_s=0.3) is False  # the client still works after it
    finally:
        await client.close()
