"""Every state-changing endpoint of the scheduler, tried on unit-tech's objects by every role of
another unit: each is refused (403/404) and nothing changes; a planner of the unit gets through."""

from __future__ import annotations

import copy
from datetime import date

import httpx
from fakes import COUNSELOR, STUDENT, TEACHER, deps

from hoks_scheduler.adapters.feed_api import build_feed_router
from hoks_scheduler.adapters.feed_tokens import FeedTokens, MemoryFeedStore
from hoks_scheduler.adapters.http_api import build_http_router
from hoks_scheduler.adapters.plan_api import build_plan_router
from hoks_scheduler.adapters.settings import SchedulerSettings
from hoks_scheduler.adapters.student_reader import StudentPlacement
from hoks_scheduler.adapters.web_pages import build_pages
from hoks_scheduler.handlers.planning import PlanYear, plan_year
from hoks_shared.auth import Role
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers
from hoks_testing.write_matrix import Write, cross_unit_attempts, deployed_app, unlisted_writes



class SisUnits:
    async def units_of(self, person_oid: str) -> set[str]:
        return {"unit-tech"} if person_oid in (COUNSELOR, TEACHER) else set()


async def test_no_write_reaches_another_units_objects():
    d = deps(today=date(2026, 8, 1), students=[StudentPlacement(STUDENT, "TVO24A", "unit-tech", TEACHER, True)])
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    settings = SchedulerSettings()
    feeds = FeedTokens(MemoryFeedStore(), settings.feed_key("dev"), settings.feed_token_days)
    await feeds.issue(TEACHER)
    app = app_for_tests([build_http_router(d, settings, SisUnits()), build_feed_router(d, settings, feeds),
                         build_pages(d, settings, feeds), build_plan_router(d)], audit=RecordingAudit())
    meeting = sorted(d.meetings.docs)[0]
    writes = [
        Write("POST", "/plans", body={"academic_year": "2026-2027", "unit_ids": ["unit-tech"]}),
        Write("POST", "/student-meetings", body={"student_oid": STUDENT}),
        Write("POST", "/meetings/{meeting_id}/reschedule", {"meeting_id": meeting},
              {"starts_at": "2026-09-15T09:30:00+03:00", "reason_code": "staff-absent"}),
        Write("POST", "/meetings/{meeting_id}/cancel", {"meeting_id": meeting}, {"reason_code": "group-ended"}),
        Write("PUT", "/staff/{person_oid}/unavailability", {"person_oid": TEACHER}, {"days": ["2026-09-15"]}),
        Write("POST", "/calendar/{person_oid}/feed", {"person_oid": TEACHER}),
        Write("DELETE", "/calendar/{person_oid}/feed", {"person_oid": TEACHER}),
        Write("POST", "/plans/conflicts/{meeting_id}/place", {"meeting_id": meeting},
              {"starts_at": "2026-09-15T09:30:00+03:00"}),
        Write("POST", "/plans/conflicts/{meeting_id}/accept-miss", {"meeting_id": meeting}),
    ]
    assert unlisted_writes(app, writes) == set()
    assert unlisted_writes(deployed_app("scheduler"), writes) == set()  # the service as deployed has no other write
    before = (copy.deepcopy(d.meetings.docs), copy.deepcopy(d.meetings.away), dict(feeds.store.docs))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://scheduler") as client:
        assert await cross_unit_attempts(client, writes, "unit-bus") == []
        assert (d.meetings.docs, d.meetings.away, feeds.store.docs) == before
        # the same writes go through for the unit's own counselor (the bodies are valid)
        own = auth_headers(Role.COUNSELOR, staff_oid=COUNSELOR, unit_ids=["unit-tech"])
        for write in writes[:5]:
            r = await client.request(write.method, write.url(), json=write.body, headers=own)
            assert r.status_code in (200, 201, 204, 409), (write, r.status_code, r.text)
