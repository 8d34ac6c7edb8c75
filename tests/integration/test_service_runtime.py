"""Each service really serves /health (checking Kafka and the store) and /metrics over HTTP."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import httpx
import pytest

from hoks_testing.auth import auth_headers
from hoks_testing.http_server import free_port, serve

from hoks_meetings.main import build as build_meetings
from hoks_referrals.main import build as build_referrals
from hoks_reporting.main import build as build_reporting
from hoks_scheduler.main import build as build_scheduler

pytestmark = pytest.mark.integration

BUILDERS = {"scheduler": build_scheduler, "meetings": build_meetings,
            "referrals": build_referrals, "reporting": build_reporting}


@pytest.mark.parametrize("service", sorted(BUILDERS))
async def test_health_checks_kafka_and_store_and_metrics_are_exported(stack, service):
    app, runtime = BUILDERS[service](stack.settings(service))
    port = free_port()
    server, task = await serve(app, port, lifespan="on")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(30):  # just started: the broker may take a moment to answer its first ping
                health = await http.get("/health")
                if health.status_code == 200:
                    break
                await asyncio.sleep(0.5)
            metrics = await http.get("/metrics")
            asyncapi = await http.get("/docs/asyncapi")
    finally:
        server.should_exit = True
        await task
    assert health.status_code == 200, health.text
    body = health.json()
    assert (body["status"], body["service"]) == ("ok", service)
    assert body["checks"] == {"kafka": "ok", "store": "ok", "consumers": "ok"}
    assert metrics.status_code == 200
    for name in ("hoks_dead_letters_total", "hoks_events_applied_total", "hoks_event_to_view_seconds",
                 "hoks_outbox_backlog"):
        assert name in metrics.text
    assert asyncapi.status_code == 200


async def test_health_says_503_when_the_store_is_unreachable(stack):
    dead_port = free_port()
    settings = stack.settings("meetings", mongodb_url=f"mongodb://127.0.0.1:{dead_port}/",
                              server_selection_timeout_ms=300)
    app, runtime = build_meetings(settings)
    await runtime.broker.connect()
    try:
        from httpx import ASGITransport

        async with httpx.AsyncClient(transport=ASGITransport(app=app), base_url="http://svc") as http:
            for _ in range(20):  # the first requests may answer "starting" while the first probe runs
                health = await http.get("/health")
                if "store" in health.json()["checks"]:
                    break
            meetings = await http.get("/meetings", headers=auth_headers("director"))
    finally:
        await runtime.broker.stop()
    assert health.status_code == 503
    assert health.json()["checks"] == {"kafka": "ok", "store": "down", "consumers": "ok"}
    # the API says so too: 503 with Retry-After, not 500
    assert meetings.status_code == 503, meetings.text
    assert meetings.headers["retry-after"] == "5"


def test_the_service_entry_point_starts_and_answers(stack):
    port = free_port()
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap, "KAFKA_TOPIC_PREFIX": stack.prefix,
           "MONGODB_URL": stack.mongodb_url, "MONGODB_DATABASE": "it_entrypoint", "HOKS_HTTP_PORT": str(port)}
    exe = os.path.join(os.path.dirname(sys.executable), "hoks-meetings")
    proc = subprocess.Popen([exe], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code
                if status == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode()
            time.sleep(0.3)
        assert status == 200
        signalled = time.monotonic()
        proc.terminate()  # SIGTERM
        after = []  # what /health said after the signal, until the port closed
        while proc.poll() is None and len(after) < 50:
            try:
                after.append(httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code)
            except httpx.HTTPError:
                after.append("closed")
                break
            time.sleep(0.05)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    print(f"meetings stopped {time.monotonic() - signalled:.1f} s after SIGTERM (exit {proc.returncode}); "
          f"/health after the signal: {after}")
    # the first answer may race the signal; once the service knows, never 200 again
    assert 200 not in after[1:], after
    lines = [line for line in out.decode().splitlines() if line.startswith("{")]
    assert lines, "the service logs JSON lines"
    assert any('"service": "meetings"' in line for line in lines)
    assert any('"shutdown started"' in line for line in lines)
    print("cut short by the 5 s watchdog" if any("exiting now" in line for line in lines) else "orderly shutdown")
