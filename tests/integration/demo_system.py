"""The whole system in one test: the four services on the real broker and store, a small demo
institution published through Kafka, its academic year planned through the scheduler's API, and
every service's HTTP app served on a loopback port (for Chromium).

Used by the every-page browser test and the README tour test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import uuid

import httpx

from hoks_meetings.main import build as build_meetings
from hoks_referrals.main import build as build_referrals
from hoks_reporting.main import build as build_reporting
from hoks_scheduler.domain.calendar import academic_year_of
from hoks_scheduler.main import build as build_scheduler
from hoks_devinfra.manager import ensure_topics
from hoks_shared.settings import KafkaSettings
from hoks_testing.auth import auth_headers
from hoks_testing.http_server import free_port, serve
from hoks_shared.web.app import DIRECTOR
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize
from hoks_sisfeed.publishing import publish_records
from hoks_sisfeed.records import feed_record
from tests.integration.conftest import Stack, eventually, running

BUILDS = {"scheduler": build_scheduler, "meetings": build_meetings, "referrals": build_referrals,
          "reporting": build_reporting}


@dataclass
class DemoSystem:
    institution: DemoInstitution
    runtimes: dict[str, Any]
    bases: dict[str, str] = field(default_factory=dict)

    def url(self, service: str, path: str) -> str:
        return self.bases[service] + path

    def staff(self, role: str) -> list[Any]:
        return [s for s in self.institution.staff if role in s.roles]


@asynccontextmanager
async def demo_system(stack: Stack, students: int = 60, as_of: date | None = None) -> AsyncIterator[DemoSystem]:
    """Start everything, publish the demo institution, plan its year; yield once every service has it.

    On topics of its own: the pages must show this institution alone, not the units other tests
    of the run put on the session's topics (a unit without a name shows as its id)."""
    stack = Stack(stack.bootstrap, stack.mongodb_url, f"{stack.prefix}demo{uuid.uuid4().hex[:6]}.")
    await ensure_topics(stack.bootstrap, stack.naming)
    institution = DemoInstitution(DemoSize.scaled(students, as_of=as_of or date.today()))
    async with AsyncExitStack() as exits:
        runtimes = {name: await exits.enter_async_context(running(build, stack.settings(name)))
                    for name, build in BUILDS.items()}
        naming = stack.naming
        await publish_records((feed_record(e, naming) for e in institution.events()),
                              KafkaSettings(bootstrap_servers=stack.bootstrap, topic_prefix=stack.prefix))
        n_students, n_staff = institution.size.students, len(institution.staff)

        async def everywhere() -> bool:
            for rt in runtimes.values():
                if await rt.db.sis_students.count_documents({}) < n_students or \
                        await rt.db.sis_staff.count_documents({}) < n_staff:
                    return False
            return await runtimes["scheduler"].db.sis_groups.count_documents({}) >= len(institution.groups)

        await eventually(everywhere, timeout_s=120, what="the demo institution in every service")
        year = academic_year_of(institution.size.as_of)
        scheduler = httpx.AsyncClient(transport=httpx.ASGITransport(runtimes["scheduler"].http),
                                      base_url="http://scheduler", timeout=120)
        # from the year's first day: the rounds already behind are meetings waiting to be recorded
        planned = await scheduler.post("/plans", json={"academic_year": year, "from_day": f"{year[:4]}-08-01"},
                                       headers=auth_headers("director", staff_oid=DIRECTOR.staff_oid))
        assert planned.status_code < 300, planned.text
        scheduled = await runtimes["scheduler"].db.meetings.count_documents({})

        async def meetings_arrived() -> bool:
            return await runtimes["meetings"].db.meetings.count_documents({}) >= scheduled > 0

        await eventually(meetings_arrived, timeout_s=120, what="the planned meetings in the meetings service")
        system = DemoSystem(institution, runtimes)
        for name, rt in runtimes.items():
            port = free_port()
            server, task = await serve(rt.http, port)
            exits.push_async_callback(_stopped, server, task)
            system.bases[name] = f"http://127.0.0.1:{port}"
        yield system


async def _stopped(server: Any, task: Any) -> None:
    server.should_exit = True
    await task
