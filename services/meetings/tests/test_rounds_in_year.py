"""The round of a group meeting is shown as "n/N" with N from the scheduler's configuration (the
``rounds_in_year`` of ``meeting-scheduled``), not a fixed five."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from meetings_fakes import FakeDirectory, FakeMeetings

from hoks_meetings.adapters.http_api import build_api
from hoks_meetings.adapters.web_pages import build_pages
from hoks_meetings.domain.meeting_record import from_scheduled
from hoks_meetings.handlers import Deps
from hoks_shared.auth import Role
from hoks_testing import samples
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers


async def test_an_eat_groups_second_round_is_two_of_three():
    meetings = FakeMeetings()
    event = samples.meeting_scheduled(round=2, rounds_in_year=3)
    meetings.add(from_scheduled(event))
    deps = Deps(meetings, FakeDirectory([]), clock=lambda: datetime(2026, 9, 14, 8, 0, tzinfo=UTC))
    app = app_for_tests([build_api(deps), build_pages(deps)], audit=RecordingAudit())
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")
    counselor = auth_headers(Role.COUNSELOR, staff_oid=samples.COUNSELOR, unit_ids=["unit-tech"])
    page = (await client.get(f"/ui/meetings/{event.meeting_id}", headers=counselor)).text
    assert "2/3" in page and "2/5" not in page
