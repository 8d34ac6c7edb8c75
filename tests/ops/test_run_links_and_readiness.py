"""What ``./dev run`` prints: Prometheus links that answer on the installed Prometheus (Debian's has
only its classic pages), and "ready" only when every service has the whole demo institution, the
plan, and nothing left to read (deploy/dev/wait_ready.py)."""

from __future__ import annotations

import importlib.util
import sys
import urllib.request
from pathlib import Path

from tests.ops.prometheus_process import check_targets, needs_prometheus, prometheus

ROOT = Path(__file__).resolve().parents[2]


def wait_ready_module():
    spec = importlib.util.spec_from_file_location("wait_ready", ROOT / "deploy" / "dev" / "wait_ready.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("wait_ready", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@needs_prometheus
def test_ui_prefix_points_at_pages_that_answer(tmp_path):
    with prometheus(tmp_path, {}) as url:
        prefix = check_targets(url, "--ui-prefix").stdout.strip()
        assert prefix in ("", "/classic")
        for page in ("targets", "alerts"):
            with urllib.request.urlopen(f"{url}{prefix}/{page}", timeout=5) as response:
                assert response.status == 200


def test_ready_only_when_every_service_has_everything_and_nothing_is_left_to_read():
    ready = wait_ready_module()
    services = ready.SERVICES
    full = {s: 4220 for s in services}
    snapshot = ready.Snapshot(full, {s: 174 for s in services}, 1006, {s: 0 for s in services})
    assert snapshot.ready(4220, 174)
    behind = ready.Snapshot({**full, "reporting": 3200}, {s: 174 for s in services}, 1006, {s: 0 for s in services})
    assert not behind.ready(4220, 174)
    assert "reporting 3 200/4 220" in behind.line(4220)
    reading = ready.Snapshot(full, {s: 174 for s in services}, 1006, {**{s: 0 for s in services}, "meetings": 12})
    assert not reading.ready(4220, 174) and "12 events still to read" in reading.line(4220)
    unplanned = ready.Snapshot(full, {s: 174 for s in services}, 0, {s: 0 for s in services})
    assert not unplanned.ready(4220, 174)
