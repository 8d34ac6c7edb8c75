"""The alert rules pass their promtool unit tests, and those tests catch a broken alert.

Mutation check: for every alert, a copy of alerts.yml where that alert never fires, and one where
it always fires (without its labels), must each make ``promtool test rules`` fail.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.ops.promtool import PROMETHEUS_DIR, needs_promtool, promtool

pytestmark = needs_promtool

ALERTS = PROMETHEUS_DIR / "alerts.yml"
TEST_FILES = ["alerts_test.yml", "alerts_business_test.yml"]


def alert_names() -> list[str]:
    rules = yaml.safe_load(ALERTS.read_text())
    return [r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r]


def test_rules_are_valid():
    result = promtool("check", "rules", ALERTS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_alert_unit_tests_pass():
    result = promtool("test", "rules", *TEST_FILES, cwd=PROMETHEUS_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(TEST_FILES)


def test_every_alert_has_a_runbook_in_the_operations_doc():
    doc = (PROMETHEUS_DIR.parents[1] / "docs" / "operations.md").read_text().lower()
    rules = yaml.safe_load(ALERTS.read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            anchor = rule["annotations"]["runbook"].split("#", 1)[1]
            assert anchor == rule["alert"].lower()
            assert f"### {rule['alert'].lower()}" in doc, f"no runbook section for {rule['alert']}"
            assert rule["labels"]["severity"] in {"critical", "warning"}


def mutate(tmp_path: Path, alert: str, expr: str) -> Path:
    rules = yaml.safe_load(ALERTS.read_text())
    found = 0
    for group in rules["groups"]:
        for rule in group["rules"]:
            if rule.get("alert") == alert:
                rule["expr"] = expr
                found += 1
    assert found == 1
    (tmp_path / "alerts.yml").write_text(yaml.safe_dump(rules, sort_keys=False))
    for name in TEST_FILES:
        shutil.copy(PROMETHEUS_DIR / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("alert", alert_names())
@pytest.mark.parametrize("broken", ["vector(1) > 2", "vector(1)"], ids=["never-fires", "always-fires"])
def test_a_broken_alert_fails_the_unit_tests(tmp_path, alert, broken):
    folder = mutate(tmp_path, alert, broken)
    assert promtool("check", "rules", folder / "alerts.yml").returncode == 0  # still valid, just wrong
    result = promtool("test", "rules", *TEST_FILES, cwd=folder)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"breaking {alert} ({broken}) went unnoticed:\n{output}"
    assert f"alertname: {alert}" in output
