"""HOKS_CONSUMERS: an instance runs all its consumers, or the domain or the SIS lane alone."""

from __future__ import annotations

import pytest
from faststream.kafka import KafkaRouter

from hoks_shared.messaging.consumer_lanes import lane_of, mark_lane, routers_run
from hoks_shared.runtime.service import build_runtime, create_app
from hoks_shared.settings import ServiceSettings
from hoks_shared.sisviews.ingest import build_sis_router
from hoks_shared.sisviews.projection import SisViews
from hoks_shared.topics import MEETING_SCHEDULE, SIS_STUDENTS


def routers() -> tuple[KafkaRouter, KafkaRouter]:
    domain = KafkaRouter()

    @domain.subscriber("unit.domain", group_id="g")
    async def on_domain(body: dict) -> None: ...

    return domain, mark_lane(KafkaRouter(), "sis")


@pytest.mark.parametrize(("consumers", "expected"), [("all", ["domain", "sis"]), ("domain", ["domain"]),
                                                     ("sis", ["sis"])])
def test_an_instance_runs_the_lanes_it_is_configured_for(consumers, expected):
    assert [lane_of(r) for r in routers_run(consumers, routers())] == expected


@pytest.mark.parametrize("consumers", ["all", "domain", "sis"])
def test_the_app_subscribes_only_to_its_lanes_topics(consumers):
    runtime = build_runtime(ServiceSettings(service_name="lanes", consumers=consumers))
    views = SisViews(runtime.db, runtime.metrics)
    domain = KafkaRouter()

    @domain.subscriber(runtime.naming.name(MEETING_SCHEDULE), group_id="lanes")
    async def on_domain(body: dict) -> None: ...

    create_app(runtime, [domain, build_sis_router(runtime, views, [SIS_STUDENTS])])
    topics = {getattr(t, "name", t) for s in runtime.broker.subscribers for t in getattr(s, "topics", ())}
    assert (runtime.naming.name(MEETING_SCHEDULE) in topics) == (consumers in {"all", "domain"})
    assert (runtime.naming.name(SIS_STUDENTS) in topics) == (consumers in {"all", "sis"})


def test_an_unknown_choice_is_refused():
    with pytest.raises(ValueError):
        ServiceSettings(consumers="everything")
