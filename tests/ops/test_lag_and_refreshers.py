"""Consumer-lag arithmetic, the periodic runner and the business-gauge refreshers (no Kafka needed)."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client import generate_latest

from hoks_shared.metrics import ServiceMetrics, set_gauge_values
from hoks_shared.runtime.consumer_lag import lag_table, partition_lag, subscribed_groups
from hoks_shared.runtime.periodic import PeriodicTask
from hoks_shared.runtime.service import build_runtime
from hoks_shared.settings import ServiceSettings


def test_partition_lag_counts_from_the_commit_or_from_the_beginning():
    assert partition_lag(end=10, committed=4, beginning=0) == 6
    assert partition_lag(end=10, committed=None, beginning=3) == 7  # never committed: from earliest
    assert partition_lag(end=10, committed=-1, beginning=0) == 10
    assert partition_lag(end=10, committed=10, beginning=0) == 0
    assert partition_lag(end=10, committed=1, beginning=5) == 5  # retention deleted what the commit points at


def test_lag_table_covers_every_partition_of_every_group_topic():
    table = lag_table(
        groups={"g": ["a", "b"], "g-sis": ["a"]},
        partitions={"a": [0, 1], "b": [0]},  # b exists, c would be skipped
        committed={"g": {("a", 0): 5, ("b", 0): 2}},
        beginning={("a", 0): 0, ("a", 1): 0, ("b", 0): 0},
        end={("a", 0): 5, ("a", 1): 3, ("b", 0): 9},
    )
    assert table == {("g", "a", 0): 0, ("g", "a", 1): 3, ("g", "b", 0): 7,
                     ("g-sis", "a", 0): 5, ("g-sis", "a", 1): 3}


def test_groups_are_read_from_a_services_subscribers():
    from hoks_referrals.main import build

    _, runtime = build(ServiceSettings(service_name="referrals"))
    groups = subscribed_groups(runtime.broker)
    assert {"hoks-referrals", "hoks-referrals-sis"} <= set(groups)
    assert all(g.startswith("hoks-referrals") for g in groups)
    assert "hoks.meetings.outcomes.v1" in groups["hoks-referrals"]
    assert "hoks.sis.students.v1" in groups["hoks-referrals-sis"]


def test_reporting_groups_name_the_topics_of_the_partitions_a_replica_owns():
    from hoks_reporting.main import build
    from hoks_reporting.adapters.settings import ReportSettings

    _, runtime = build(ServiceSettings(service_name="reporting"), ReportSettings(replica=1, replicas=2))
    groups = subscribed_groups(runtime.broker)
    assert "hoks.meetings.outcomes.v1" in groups["hoks-reporting"]
    assert "hoks.reporting.checklist-rows.v1" in groups["hoks-reporting"]
    assert "hoks.sis.absences.v1" in groups["hoks-reporting-report-sis"]
    assert groups["hoks-reporting-report-agg"] == ["hoks.reporting.member-changes.v1"]


async def test_periodic_task_keeps_running_after_a_failure_and_stops_promptly():
    calls: list[int] = []
    errors: list[BaseException] = []

    async def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("store away")

    task = PeriodicTask("t", flaky, every_s=0.01, on_error=errors.append)
    task.start()
    for _ in range(200):
        if len(calls) >= 3:
            break
        await asyncio.sleep(0.01)
    await task.stop()
    assert len(calls) >= 3 and task.failures == 1 and len(errors) == 1
    assert not task.running


async def test_periodic_task_times_out_a_hanging_run():
    async def hang() -> None:
        await asyncio.sleep(60)

    task = PeriodicTask("hang", hang, every_s=1, timeout_s=0.05)
    assert await task.run_once() is False and task.failures == 1


def test_periodic_task_rejects_a_non_positive_interval():
    with pytest.raises(ValueError):
        PeriodicTask("x", lambda: asyncio.sleep(0), every_s=0)


def test_set_gauge_values_replaces_stale_labels():
    metrics = ServiceMetrics("unit")
    set_gauge_values(metrics.referrals_open, {"curator": 2, "special-needs-teacher": 5})
    set_gauge_values(metrics.referrals_open, {"curator": 1})
    text = generate_latest(metrics.registry).decode()
    assert 'hoks_referrals_open{target="curator"} 1.0' in text
    assert "special-needs-teacher" not in text


async def test_gauge_refresher_sets_business_gauges_and_counts_failures():
    runtime = build_runtime(ServiceSettings(service_name="unit"))
    fail = {"now": False}

    async def refresh(metrics: ServiceMetrics) -> None:
        if fail["now"]:
            raise RuntimeError("store down")
        set_gauge_values(metrics.meetings_planned, {"2026-27/1": 12})
        set_gauge_values(metrics.referrals_overdue, {"curator": 3})

    task = runtime.add_gauge_refresher("meetings", refresh, every_s=30)
    assert runtime.periodic == [task]
    assert await task.run_once()
    fail["now"] = True
    assert not await task.run_once()
    text = generate_latest(runtime.metrics.registry).decode()
    assert 'hoks_meetings_planned{round="2026-27/1"} 12.0' in text
    assert 'hoks_referrals_overdue{target="curator"} 3.0' in text
    assert 'hoks_gauge_refresh_errors_total{refresher="meetings"} 1.0' in text
    assert 'hoks_gauge_refresh_last_success_timestamp_seconds{refresher="meetings"}' in text
    await runtime.mongo.close()
