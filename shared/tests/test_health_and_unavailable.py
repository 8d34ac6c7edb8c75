"""Honest health and errors: /health answers from a cached probe, names stuck consumers, turns
503 at the shutdown signal; the store or the broker unreachable is a 503 with Retry-After."""

from __future__ import annotations

import asyncio
import signal
import threading

import httpx
import uvicorn
from aiokafka.errors import KafkaConnectionError
from fastapi import APIRouter
from pymongo.errors import AutoReconnect, BulkWriteError, OperationFailure, ServerSelectionTimeoutError

from hoks_shared.messaging.transient import is_transient
from hoks_shared.messaging.partition_progress import Stuck
from hoks_shared.runtime.health import HealthProbe
from hoks_shared.runtime.service import _stopping_server
from hoks_testing.auth import app_for_tests, auth_headers
from hoks_shared.web.error_docs import document_errors


class Dependencies:
    def __init__(self) -> None:
        self.calls = 0
        self.hang = False
        self.checks = {"kafka": "ok", "store": "ok"}

    async def check(self) -> dict[str, str]:
        self.calls += 1
        if self.hang:
            await asyncio.Event().wait()  # never answers
        return dict(self.checks)


async def test_health_answers_from_the_cached_probe_and_goes_stale_when_the_probe_hangs():
    now = [100.0]
    deps = Dependencies()
    probe = HealthProbe(deps.check, stale_after_s=10, clock=lambda: now[0])
    status, body = await probe.answer_now("svc", [])  # nothing cached yet: waits for the first probe
    assert status == 200 and body["checks"] == {"kafka": "ok", "store": "ok", "consumers": "ok"}
    deps.hang = True
    for _ in range(3):  # answered from the cache: the hanging dependency is not asked
        assert (await probe.answer_now("svc", []))[0] == 200
    assert deps.calls == 1
    now[0] += 11
    status, body = probe.answer("svc", [])
    assert status == 503 and body["checks"]["probe"] == "stale"


async def test_before_the_first_probe_has_answered_health_says_starting_and_the_probe_is_not_cancelled():
    deps = Dependencies()
    deps.hang = True
    probe = HealthProbe(deps.check)
    status, body = await probe.answer_now("svc", [], first_within_s=0.05)
    assert status == 503 and body["checks"]["probe"] == "starting"
    await probe.answer_now("svc", [], first_within_s=0.05)
    assert deps.calls == 1  # one probe, still running: neither cancelled nor started twice
    assert probe._first is not None and not probe._first.done()
    probe._first.cancel()


async def test_a_dependency_down_a_stuck_consumer_and_shutdown_each_make_it_503():
    deps = Dependencies()
    probe = HealthProbe(deps.check)
    deps.checks["store"] = "down"
    await probe.probe_once()
    status, body = probe.answer("svc", [])
    assert status == 503 and body["checks"]["store"] == "down"
    deps.checks["store"] = "ok"
    await probe.probe_once()
    stuck = [Stuck("g", "t", 3, 41, 400.0, 90)]
    status, body = probe.answer("svc", stuck)
    assert status == 503 and body["checks"]["consumers"] == "stuck"
    assert body["stuck"] == ["g t[3] at offset 41: 90 tries in 400 s"]
    assert probe.answer("svc", [])[0] == 200
    await probe.stop()
    assert probe.answer("svc", []) == (503, {"status": "stopping", "service": "svc", "checks": {}})


def test_the_shutdown_signal_turns_health_503_at_once_and_arms_the_exit_watchdog():
    class Runtime:
        name = "svc"
        probe = HealthProbe(Dependencies().check)

    cut: list[str] = []
    fired = threading.Event()

    def cut_short(name: str) -> None:
        cut.append(name)
        fired.set()

    from hoks_shared.runtime import service

    service_stop_within, service.STOP_WITHIN_S = service.STOP_WITHIN_S, 0.05
    try:
        server = _stopping_server(uvicorn.Config(app=None), Runtime(), cut_short=cut_short)
        server.handle_exit(signal.SIGTERM, None)
        assert Runtime.probe.stopping and server.should_exit
        assert Runtime.probe.answer("svc", [])[0] == 503
        assert fired.wait(10)  # the watchdog ends a shutdown that takes too long
        assert cut == ["svc"]
    finally:
        service.STOP_WITHIN_S = service_stop_within


async def test_store_or_broker_unreachable_is_503_with_retry_after_never_500():
    router = APIRouter()
    errors = {"store": ServerSelectionTimeoutError("no servers"), "store-reconnect": AutoReconnect("gone"),
              "broker": KafkaConnectionError("no broker"),
              # FerretDB with a full disk (SQLite's messages, InternalError code 1): seen in the fault suite
              "store-disk-full": OperationFailure("database or disk is full (13)", code=1),
              "store-io": OperationFailure("disk I/O error (778)", code=1),
              "bulk-disk-full": BulkWriteError({"writeErrors": [{"index": 0, "code": 1, "errmsg": "disk I/O error"}]}),
              "mongo-no-space": OperationFailure("no space", code=14031),
              "mongo-stepdown": OperationFailure("not primary", code=10107)}

    @router.get("/things/{what}")
    async def things(what: str) -> dict[str, str]:
        raise errors[what]

    app = app_for_tests([router])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
        for what in errors:
            answer = await http.get(f"/things/{what}", headers=auth_headers("director"))
            assert answer.status_code == 503, (what, answer.text)
            assert answer.headers["retry-after"] == "5"
            assert answer.json() == {"detail": "temporarily unavailable: try again shortly"}


async def test_a_store_refusal_that_is_not_transient_stays_a_server_error():
    router = APIRouter()

    @router.get("/dup")
    async def dup() -> dict[str, str]:
        raise OperationFailure("E11000 duplicate key", code=11000)

    app = app_for_tests([router])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                                 base_url="http://svc") as http:
        answer = await http.get("/dup", headers=auth_headers("director"))
    assert answer.status_code == 500 and "retry-after" not in answer.headers


def test_transient_classification_of_store_failures():
    assert is_transient(OperationFailure("database or disk is full (13)", code=1))
    assert is_transient(BulkWriteError({"writeErrors": [{"index": 3, "code": 11000, "errmsg": "dup"},
                                                        {"index": 4, "code": 1, "errmsg": "disk I/O error (778)"}]}))
    assert not is_transient(BulkWriteError({"writeErrors": [{"index": 3, "code": 11000, "errmsg": "E11000 dup"}]}))
    assert not is_transient(OperationFailure("unknown operator: $foo", code=2))
    assert not is_transient(ValueError("a rule"))


def test_503_is_documented_on_every_operation():
    schema = document_errors({"paths": {"/x": {"get": {"responses": {}}}}})
    assert "503" in schema["paths"]["/x"]["get"]["responses"]
