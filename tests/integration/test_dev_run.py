"""``./dev run`` as a newcomer uses it: it says "ready", prints Prometheus links that answer on the
installed Prometheus, and Ctrl-C stops every service and Prometheus (the run kills what is still
there 5 s after SIGTERM, so nothing outlives it). The time from Ctrl-C to the end is printed.

Runs on the shared infrastructure with its own topic prefix and ports, without the demo feed.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from hoks_devinfra.manager import ensure_topics
from hoks_testing.http_server import free_port
from hoks_shared.topics import TopicNaming

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_ctrl_c_stops_every_service_and_prometheus(stack):
    prefix = f"{stack.prefix}devrun{uuid.uuid4().hex[:6]}."  # deleted with the run's topics
    asyncio.run(ensure_topics(stack.bootstrap, TopicNaming(prefix)))
    base, prom = free_port(), free_port()
    while any(free_port() == base + i for i in range(1, 4)):  # a rough check that base+1..3 are free
        base = free_port()
    env = {**os.environ, "HOKS_DEMO": "0", "HOKS_RUN_BASE_PORT": str(base), "HOKS_PROMETHEUS_PORT": str(prom),
           "KAFKA_TOPIC_PREFIX": prefix, "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap,
           "MONGODB_URL": stack.mongodb_url}
    log = ROOT / "var" / "logs" / f"dev-run-{prefix.rstrip('.')}.out"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        run = subprocess.Popen([str(ROOT / "dev"), "run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while not re.search(r"^ready\b", log.read_text(), re.MULTILINE):
            assert run.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"no 'ready' line:\n{log.read_text()}"
            time.sleep(1)
        text = log.read_text()
        # the Prometheus links printed answer 200 on the installed Prometheus
        links = re.findall(rf"http://127\.0\.0\.1:{prom}(/\S*)", text)
        assert any(link.endswith("/targets") for link in links), text
        for link in links:
            with urllib.request.urlopen(f"http://127.0.0.1:{prom}{link}", timeout=5) as response:
                assert response.status == 200, link
        started = children_of(run.pid)
        assert len(started) >= 5, started  # four services and Prometheus
        pressed = time.monotonic()
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        assert run.wait(timeout=60) == 0
        took = time.monotonic() - pressed
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    text = log.read_text()
    assert not [pid for pid in started if alive(pid)], "a process outlived ./dev run"
    assert re.search(rf"stopped: {len(started)} processes", text), text
    killed = re.findall(r"dev: (\w+) still running", text) or "none"
    print(f"./dev run ended {took:.2f} s after Ctrl-C ({len(started)} processes); killed after 5 s: {killed}")
