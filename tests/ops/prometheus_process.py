"""A throw-away Prometheus server for tests (Debian's ``prometheus`` binary)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from hoks_testing.http_server import free_port

from tests.ops.promtool import PROMETHEUS_DIR

PROMETHEUS = shutil.which("prometheus")
needs_prometheus = pytest.mark.skipif(
    PROMETHEUS is None, reason="prometheus not on PATH (install Debian's 'prometheus' package: ./dev setup does)"
)


def write_config(path: Path, self_address: str, targets: dict[str, str]) -> None:
    subprocess.run([sys.executable, str(PROMETHEUS_DIR / "local_config.py"), str(path), "--self", self_address,
                    "--interval", "1s", *[f"{k}={v}" for k, v in targets.items()]], check=True)


@contextmanager
def prometheus(tmp_path: Path, targets: dict[str, str]) -> Iterator[str]:
    """Prometheus scraping ``targets`` every second; yields its base URL."""
    assert PROMETHEUS is not None
    address = f"127.0.0.1:{free_port()}"
    config = tmp_path / "prometheus.yml"
    write_config(config, address, targets)
    log = (tmp_path / "prometheus.log").open("w")
    process = subprocess.Popen(
        [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
         f"--web.listen-address={address}"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://{address}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"prometheus did not start: {(tmp_path / 'prometheus.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def check_targets(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(PROMETHEUS_DIR / "check-targets"), "--url", url, *args],
                          capture_output=True, text=True, timeout=120)
