"""Prometheus with the local configuration scrapes the four real services, and check-targets says so.

The integration test starts the four services' real apps (real Kafka and FerretDB) in this process
on free ports, generates the local Prometheus configuration (deploy/prometheus/local_config.py,
what ``./dev run`` uses) and runs deploy/prometheus/check-targets against Prometheus' targets API.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest

from hoks_testing.http_server import free_port, serve
from tests.ops.prometheus_process import check_targets, needs_prometheus, prometheus

pytestmark = needs_prometheus


def test_check_targets_fails_while_a_target_is_down(tmp_path):
    dead = f"127.0.0.1:{free_port()}"
    with prometheus(tmp_path, {"meetings": dead}) as url:
        result = check_targets(url, "--wait", "12", "--expect", "2")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "down" in result.stdout and "service=meetings" in result.stdout
    assert "up       job=prometheus" in result.stdout  # Prometheus itself is scraped and up


def test_check_targets_fails_when_fewer_targets_than_expected(tmp_path):
    with prometheus(tmp_path, {}) as url:
        result = check_targets(url, "--wait", "2", "--expect", "5")
    assert result.returncode == 1
    assert "expected at least 5" in result.stdout


@pytest.mark.integration
async def test_prometheus_shows_all_four_services_up(stack, tmp_path):
    from hoks_meetings.main import build as build_meetings
    from hoks_referrals.main import build as build_referrals
    from hoks_reporting.main import build as build_reporting
    from hoks_scheduler.main import build as build_scheduler

    builders = {"scheduler": build_scheduler, "meetings": build_meetings,
                "referrals": build_referrals, "reporting": build_reporting}
    servers, runtimes, targets = [], [], {}
    try:
        for name, build in builders.items():
            app, runtime = build(stack.settings(name))
            runtimes.append(runtime)
            port = free_port()
            servers.append(await serve(app, port, lifespan="on"))
            targets[name] = f"127.0.0.1:{port}"
        with prometheus(tmp_path, targets) as url:
            result = await asyncio.to_thread(check_targets, url, "--wait", "60", "--expect", "5")
            with urllib.request.urlopen(f"{url}/api/v1/query?query=up", timeout=5) as r:
                up = json.load(r)["data"]["result"]
    finally:
        for runtime in runtimes:
            await runtime.mongo.drop_database(runtime.db.name)
        for server, task in servers:
            server.should_exit = True
            await task
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all targets up" in result.stdout
    services = {s["metric"].get("service") for s in up if s["metric"]["job"] == "hoks"}
    assert services == set(builders)
