"""Time rules: no meeting is completed before its start (a configurable early window), and "today"
is the provider's day (Europe/Helsinki), not the UTC day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from meetings_fixtures import student_doc
from meetings_fakes import FakeDirectory, FakeMeetings

from hoks_meetings.adapters.http_api import build_api
from hoks_meetings.domain.errors import NotStartedYet
from hoks_meetings.domain.meeting_record import from_scheduled
from hoks_meetings.handlers import Deps
from hoks_meetings.domain.timing import check_may_complete, local_date, start_of_local_day
from hoks_meetings.adapters.settings import MeetingsSettings
from hoks_shared.auth import Role
from hoks_testing import samples
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers

HELSINKI = ZoneInfo("Europe/Helsinki")
S1 = "1.2.246.562.24.40000000001"
COUNSELOR = auth_headers(Role.COUNSELOR, staff_oid=samples.COUNSELOR, unit_ids=["unit-tech"])
ROW = {"hoks_checked": True, "measures_taken": True, "committed": True, "progressing": True, "outcome": "no-action"}


def meeting(starts_at: datetime, **over):
    return from_scheduled(samples.meeting_scheduled(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), **over))


@pytest.mark.parametrize(("before_start", "allowed"), [
    (timedelta(hours=8), False), (timedelta(minutes=31), False), (timedelta(minutes=30), True),
    (timedelta(0), True), (-timedelta(hours=3), True)])
def test_completion_waits_for_the_start_less_the_early_window(before_start, allowed):
    start = datetime(2026, 9, 14, 9, 0, tzinfo=UTC)
    m = meeting(start)
    if allowed:
        check_may_complete(m, start - before_start, timedelta(minutes=30), HELSINKI)
    else:
        with pytest.raises(NotStartedYet, match="has not started yet") as refused:
            check_may_complete(m, start - before_start, timedelta(minutes=30), HELSINKI)
        assert "14.09.2026 11:30" in refused.value.reason  # shown in Helsinki time


def test_a_january_group_meeting_is_not_completed_on_30_november():
    january = meeting(datetime(2027, 1, 12, 8, 0, tzinfo=UTC))
    with pytest.raises(NotStartedYet):
        check_may_complete(january, datetime(2026, 11, 30, 12, 0, tzinfo=UTC), timedelta(minutes=30), HELSINKI)


def test_the_window_is_configuration(monkeypatch):
    assert MeetingsSettings().complete_early() == timedelta(minutes=30)
    monkeypatch.setenv("HOKS_MEETINGS_COMPLETE_EARLY_MINUTES", "0")
    settings = MeetingsSettings()
    assert settings.complete_early() == timedelta(0)
    assert "complete_early_minutes" not in settings.rules().__dict__


def test_the_suggestion_thresholds_are_configuration_over_the_domains_defaults(monkeypatch):
    from hoks_meetings.domain.suggestions import SuggestionRules

    assert MeetingsSettings().rules() == SuggestionRules()
    monkeypatch.setenv("HOKS_MEETINGS_HOKS_STALE_MONTHS", "3")
    monkeypatch.setenv("HOKS_MEETINGS_ABSENCE_RATE_THRESHOLD", "0.25")
    rules = MeetingsSettings().rules()
    assert (rules.hoks_stale_months, rules.absence_rate_threshold) == (3, 0.25)
    assert rules.progress_ratio == SuggestionRules().progress_ratio
    monkeypatch.setenv("HOKS_MEETINGS_PROGRESS_RATIO", "most")
    with pytest.raises(ValueError, match="progress_ratio"):
        MeetingsSettings().rules()


def world(now: datetime, *meetings_, docs=None):
    meetings = FakeMeetings()
    for m in meetings_:
        meetings.add(m)
    directory = FakeDirectory(docs or [student_doc(S1, "Aino Aalto", completed=100)])
    clock = {"now": now}
    deps = Deps(meetings, directory, clock=lambda: clock["now"], zone=HELSINKI)
    app = app_for_tests([build_api(deps)], audit=RecordingAudit())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test"), meetings, clock


async def test_the_api_refuses_completion_8_hours_before_the_start_and_nothing_is_published():
    start = datetime(2026, 9, 14, 9, 0, tzinfo=UTC)
    client, meetings, clock = world(start - timedelta(hours=8), meeting(start))
    mid = samples.GROUP_MEETING["meeting_id"]
    assert (await client.put(f"/meetings/{mid}/checklist/{S1}", json=ROW, headers=COUNSELOR)).status_code == 200
    early = await client.post(f"/meetings/{mid}/complete", headers=COUNSELOR)
    assert early.status_code == 409 and "not started yet" in early.json()["detail"]
    assert (await meetings.get(mid)).status == "planned"
    clock["now"] = start + timedelta(minutes=50)
    assert (await client.post(f"/meetings/{mid}/complete", headers=COUNSELOR)).status_code == 200


def test_today_at_00_30_helsinki_is_the_new_day():
    now = datetime(2026, 9, 14, 21, 30, tzinfo=UTC)  # 00:30 on 15 September in Helsinki (UTC+3)
    assert local_date(now, HELSINKI).isoformat() == "2026-09-15" and now.date().isoformat() == "2026-09-14"
    assert start_of_local_day(now, HELSINKI) == datetime(2026, 9, 14, 21, 0, tzinfo=UTC)
    winter = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)  # 00:30 on 2 December (UTC+2)
    assert start_of_local_day(winter, HELSINKI) == datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


async def test_my_meetings_at_00_30_helsinki_leave_out_yesterdays():
    now = datetime(2026, 9, 14, 21, 30, tzinfo=UTC)
    yesterday = meeting(datetime(2026, 9, 14, 12, 0, tzinfo=UTC))  # 15:00 on the 14th in Helsinki
    today = meeting(datetime(2026, 9, 15, 5, 0, tzinfo=UTC), meeting_id="mtg-today")  # 08:00 on the 15th
    client, *_ = world(now, yesterday, today)
    listed = [m["meeting_id"] for m in (await client.get("/meetings", headers=COUNSELOR)).json()]
    assert listed == ["mtg-today"]


async def test_a_meeting_completed_at_00_30_helsinki_is_held_on_the_helsinki_day():
    from hoks_shared.contracts.meetings import MeetingHeld

    start = datetime(2026, 9, 14, 21, 0, tzinfo=UTC)  # 00:00 on 15 September in Helsinki
    client, meetings, clock = world(start + timedelta(minutes=30), meeting(start))
    mid = samples.GROUP_MEETING["meeting_id"]
    assert (await client.put(f"/meetings/{mid}/checklist/{S1}", json=ROW, headers=COUNSELOR)).status_code == 200
    assert (await client.post(f"/meetings/{mid}/complete", headers=COUNSELOR)).status_code == 200
    [held] = [e.event for e in meetings.outbox[mid] if isinstance(e.event, MeetingHeld)]
    assert held.held_on.isoformat() == "2026-09-15"



async def test_a_row_saved_at_00_30_helsinki_is_checked_on_the_helsinki_day():
    """The page shows the suggestions of the provider's day; the saved row must be judged on the
    same day (it took the UTC day, still yesterday at 00:30, and called the HOKS fresh)."""
    now = datetime(2026, 9, 14, 21, 30, tzinfo=UTC)  # 00:30 on 15 September in Helsinki
    # a HOKS updated six months before the Helsinki day: stale there, five months old on the UTC day
    stale_there = student_doc(S1, "Aino Aalto", completed=100, hoks_updated=date(2026, 3, 15))
    client, meetings, _ = world(now, meeting(datetime(2026, 9, 15, 5, 0, tzinfo=UTC)), docs=[stale_there])
    mid = samples.GROUP_MEETING["meeting_id"]
    saved = await client.put(f"/meetings/{mid}/checklist/{S1}", json=ROW, headers=COUNSELOR)
    assert saved.status_code == 200, saved.text
    row = meetings.work[mid].rows[S1]
    assert "hoks-stale" in row.signals
