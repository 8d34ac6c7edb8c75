"""The Grafana dashboard is current, valid JSON, and every query parses and names exported metrics."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from tests.ops.exported_metrics import SERVICES, exported, exported_by, metric_names
from tests.ops.promtool import ROOT, needs_promtool, promtool

GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "hoks.json"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"


def dashboard() -> dict:
    return json.loads(DASHBOARD.read_text())


def panel_queries() -> list[tuple[str, str]]:
    return [(p["title"], t["expr"]) for p in dashboard()["panels"] if p["type"] != "row" for t in p["targets"]]


def test_checked_in_json_is_what_the_generator_writes():
    result = subprocess.run([sys.executable, "-c", "import dashboard; print(dashboard.render(), end='')"],
                            cwd=GRAFANA, capture_output=True, text=True, check=True)
    assert result.stdout == DASHBOARD.read_text(), "run: python3 deploy/grafana/dashboard.py"


def test_dashboard_structure():
    d = dashboard()
    assert d["uid"] and d["title"]
    ids = [p["id"] for p in d["panels"]]
    assert len(ids) == len(set(ids))
    queries = panel_queries()
    assert len(queries) >= 15
    for panel in d["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == "prometheus"
            assert panel["targets"], panel["title"]
            assert {"x", "y", "w", "h"} <= set(panel["gridPos"])
    provisioned = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    assert provisioned["datasources"][0]["uid"] == "prometheus"


@needs_promtool
def test_every_query_parses(tmp_path):
    queries = panel_queries()
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:panel_{i}", "expr": expr.replace("$service", ".*")}
        for i, (_, expr) in enumerate(queries)]}]}
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump(rules))
    result = promtool("check", "rules", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(queries)} rules found" in result.stdout


@needs_promtool
def test_promtool_check_catches_a_broken_query(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "x", "rules": [
        {"record": "x:y", "expr": "sum by (service (rate(hoks_dead_letters_total[5m]))"}]}]}))
    assert promtool("check", "rules", path).returncode != 0


def test_every_panel_and_alert_names_only_exported_metrics():
    known = exported()
    used = {name for _, expr in panel_queries() for name in metric_names(expr)}
    alerts = yaml.safe_load(ALERTS.read_text())
    used_by_alerts = {name for g in alerts["groups"] for r in g["rules"] for name in metric_names(r["expr"])}
    assert {"hoks_consumer_lag", "hoks_dead_letters_total", "faststream_received_processed_messages_total",
            "hoks_event_to_view_seconds_bucket", "hoks_referrals_overdue", "up"} <= used
    assert not used - known, f"dashboard queries metrics no service exports: {sorted(used - known)}"
    assert not used_by_alerts - known, f"alerts use metrics no service exports: {sorted(used_by_alerts - known)}"


def test_the_name_check_would_notice_a_misspelt_metric():
    assert metric_names('sum by (service) (rate(hoks_dead_leters_total{service=~"a|b"}[5m]))') == {
        "hoks_dead_leters_total"}
    assert "hoks_dead_leters_total" not in exported()
    assert metric_names("histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m]))) > 60") == {"x_bucket"}


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_exports_the_operations_metrics(service):
    names = exported_by(service)
    for name in ("hoks_consumer_lag", "hoks_outbox_backlog", "hoks_dead_letters_total",
                 "hoks_event_to_view_seconds_bucket", "hoks_meetings_planned", "hoks_referrals_overdue",
                 "faststream_received_messages_total"):
        assert name in names, f"{service} does not export {name}"
