"""Reporting scaled out on the real Kafka and FerretDB: two replicas, each owning half of the
partitions, build the same report as one replica over the same topics (and as the replay)."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from hoks_reporting.adapters.replay import compare, end_offsets, live_caught_up, run_replay
from hoks_reporting.adapters.settings import ReportSettings
from hoks_reporting.main import build
from hoks_shared.contracts.sis import GroupUpserted
from hoks_shared.settings import ServiceSettings
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize
from hoks_sisfeed.publishing import publish_records
from hoks_sisfeed.records import feed_record
from tests.integration.conftest import running
from tests.integration.test_reporting_live import demo_meetings, own_topics, publish

pytestmark = pytest.mark.integration
YEAR = "2026-2027"


@asynccontextmanager
async def counted(build_one: Callable[..., Any], settings: ServiceSettings) -> AsyncIterator[tuple[Any, list[str]]]:
    """A reporting replica started in this loop, with the event types it applies (from its
    applied-events metric, counted from before it starts)."""
    app, runtime = build_one(settings)
    seen: list[str] = []
    original = runtime.metrics.observe_applied

    def observe(event_type: str, result: str, event_time: Any) -> None:
        seen.append(event_type)
        original(event_type, result, event_time)

    runtime.metrics.observe_applied = observe
    await app.start()
    try:
        yield runtime, seen
    finally:
        await runtime.mongo.drop_database(runtime.db.name)
        await app.stop()


async def test_two_replicas_give_the_report_of_one(stack):
    mine = await own_topics(stack)
    sis = list(DemoInstitution(DemoSize.scaled(500, seed=11)).events())
    units = sorted({e.unit_id for e in sis if isinstance(e, GroupUpserted)})
    domain: list[Any] = []
    for n, unit in enumerate(units):
        domain += demo_meetings(sis, unit, YEAR, seed=n)[0]
    await publish_records((feed_record(e, mine.naming) for e in sis), mine.settings("reporting").kafka)
    await publish(mine, domain)
    ends = await end_offsets(mine.settings("reporting"))

    two = mine.settings("reporting")
    one = mine.settings("reporting-one")  # its own consumer groups and database
    replica = [functools.partial(build, report=ReportSettings(replica=i, replicas=2)) for i in range(2)]
    async with counted(replica[0], two) as (first, applied_0), counted(replica[1], two) as (second, applied_1), \
            running(build, one) as single:
        assert await live_caught_up(two, ends, 240), "the two replicas did not catch up"
        assert await live_caught_up(one, ends, 240), "the single replica did not catch up"

        assert applied_0 and applied_1, (len(applied_0), len(applied_1))  # each replica applied its share
        owned = [{(tp.topic, tp.partition) for sub in rt.broker.subscribers for tp in getattr(sub, "partitions", ())}
                 for rt in (first, second)]
        assert not owned[0] & owned[1]  # no partition, so no document, has two writers
        assert len(owned[0] | owned[1]) == 9 * 6  # 7 report topics and the 2 internal ones, all owned
        differences = await compare(single.db, first.db)
        assert differences == [], differences[:10]
        aggregates = await first.db["report_aggregates"].count_documents({})
        units_reported = {d["unit_id"] async for d in first.db["report_aggregates"].find({"kind": "U"})}
        assert aggregates > 50 and units_reported == set(units)

        lines: list[str] = []
        # the replay folds in chunks of 500 events here (200,000 by default): still the same documents
        assert await run_replay(two, ReportSettings(), verify=True, fold_every=500, say=lines.append) == 0, lines
