"""The staff page /ui/schedule: my upcoming meetings, my feed, the planning form for planners."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from fakes import COUNSELOR, TEACHER, deps

from hoks_scheduler.adapters.feed_api import build_feed_router
from hoks_scheduler.adapters.feed_tokens import FeedTokens, MemoryFeedStore
from hoks_scheduler.adapters.http_api import build_http_router
from hoks_scheduler.adapters.settings import SchedulerSettings
from hoks_scheduler.adapters.web_pages import build_pages
from hoks_scheduler.handlers.planning import PlanYear, plan_year
from hoks_shared.auth import Role
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers


class NoStaffUnits:
    async def units_of(self, person_oid: str) -> set[str]:
        return set()


@pytest.fixture
async def client():
    d = deps(today=date(2026, 8, 1))
    await plan_year(PlanYear("2026-2027", ["unit-tech"]), d)
    settings = SchedulerSettings()
    feeds = FeedTokens(MemoryFeedStore(), settings.feed_key("dev"), settings.feed_token_days)
    app = app_for_tests([build_http_router(d, settings, NoStaffUnits()), build_feed_router(d, settings, feeds),
                         build_pages(d, settings, feeds)], audit=RecordingAudit())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://scheduler")


async def test_without_a_session_the_page_sends_the_browser_to_sign_in(client):
    response = await client.get("/ui/schedule")
    assert response.status_code in (302, 303, 307) and "login" in response.headers["location"]


async def test_a_teacher_sees_their_rounds_and_feed_but_no_planning_form(client):
    page = await client.get("/ui/schedule", headers=auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=TEACHER))
    assert page.status_code == 200
    html = page.text
    assert html.count('data-meeting="grp-TVO24A-2026-2027-r') == 5
    assert "Ryhmäkohtainen" in html and "päättövaiheen kartoitus" in html
    assert 'id="feed-create"' in html and ".ics?token=" not in html  # the address is shown only when made
    assert 'id="plan-form"' not in html


async def test_a_counselor_gets_the_planning_form_in_swedish(client):
    page = await client.get("/ui/schedule?lang=sv",
                            headers=auth_headers(Role.COUNSELOR, staff_oid=COUNSELOR, unit_ids=["unit-tech"]))
    assert page.status_code == 200
    assert 'id="plan-form"' in page.text and "Planering av läsåret" in page.text
    assert 'value="unit-tech"' in page.text and "Gruppmöte" in page.text
