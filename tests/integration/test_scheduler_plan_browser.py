"""End to end on the real stack, in headless Chromium: a director plans a unit in the middle of
the year from the plan overview page, sees the grid (one group's counselor is away for the rest
of the year, so its rounds are conflicts with the reason in words), resolves one conflict with
one click (the round goes to the unit's other counselor), moves another meeting from the grid (a
sick day), and that counselor's calendar feed shows both at their new times;
``meeting-scheduled`` / ``meeting-rescheduled`` go out on Kafka for the meetings service.

Screenshots of the page at 1366×768 in Finnish: ``docs/screenshots/plan-overview.png`` (what
the screen shows) and ``plan-overview-full.png`` (the whole page).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from icalendar import Calendar

from hoks_scheduler.adapters.config_files import load_config
from hoks_scheduler.domain.calendar import academic_year_of
from hoks_scheduler.main import build as build_scheduler
from hoks_shared.auth import Role
from hoks_shared.contracts import sis
from hoks_testing import samples
from hoks_testing.auth import auth_headers, token_for
from hoks_testing.browser import chromium_available, signed_in_page
from hoks_shared.topics import MEETING_SCHEDULE, SIS_GROUPS, SIS_STAFF
from tests.integration.conftest import eventually, producer, read_topic, running, send
from tests.integration.test_scheduler_planning import body_of, wire

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not chromium_available(), reason="no Chromium on this machine")]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DIRECTOR = "1.2.246.562.24.20000000090"


async def test_director_plans_mid_year_resolves_a_conflict_and_the_counselor_feed_shows_it(stack, monkeypatch):
    monkeypatch.setenv("HOKS_AUTH_MODE", "dev")
    marker = uuid.uuid4().hex[:8]
    unit = f"unit-{marker}"
    n = int(marker, 16) % 10**9
    away_counselor, counselor = (f"1.2.246.562.24.5{n:09d}{i}" for i in (1, 2))
    teachers = [f"1.2.246.562.24.6{n:09d}{i}" for i in range(2)]
    groups = [samples.group_upserted(group_id=f"G{marker}A", code="TVO-A", unit_id=unit, counselor_oid=away_counselor,
                                     responsible_teacher_oids=[teachers[0]]),
              samples.group_upserted(group_id=f"G{marker}B", code="TVO-B", unit_id=unit, counselor_oid=counselor,
                                     responsible_teacher_oids=[teachers[1]])]
    staff = [sis.StaffUpserted(source_version=1, staff_oid=oid, display_name=name, roles=["counselor"], unit_ids=[unit])
             for oid, name in ((away_counselor, "Aila Poissa"), (counselor, "Oona Ohjaaja"))]
    director = auth_headers(Role.DIRECTOR, staff_oid=DIRECTOR)
    today = datetime.now(UTC).date()
    year = academic_year_of(today)
    async with running(build_scheduler, stack.settings("scheduler")) as rt, producer(stack) as p:
        for g in groups:
            await send(p, stack.naming.name(SIS_GROUPS), *wire(g))
        for s in staff:
            await send(p, stack.naming.name(SIS_STAFF), *wire(s))

        async def views_filled():
            return await rt.db.sis_groups.count_documents({"unit_id": unit}) == 2 and \
                await rt.db.sis_staff.count_documents({"_id": {"$in": [away_counselor, counselor]}}) == 2

        await eventually(views_filled, timeout_s=60, what="SIS views")
        client = httpx.AsyncClient(transport=httpx.ASGITransport(rt.http), base_url="http://scheduler")
        calendar = load_config().calendar_for(year)
        rest = [d.isoformat() for d in calendar.school_days if d >= today]
        if len(rest) < 30:
            pytest.skip("planning mid-year needs a day inside the school year (not in summer)")
        r = await client.put(f"/staff/{away_counselor}/unavailability", json={"days": rest}, headers=director)
        assert r.status_code == 204, r.text

        token = token_for("director", staff_oid=DIRECTOR, name="Johanna Johtaja")
        async with signed_in_page(rt.http, token, width=1366, height=768, locale="fi-FI") as signed_in:
            page = signed_in.page
            await page.goto(f"{signed_in.base}/ui/plan?unit={unit}&lang=fi")
            assert await page.locator("#conflicts .conflict").count() == 0
            # plan from today (the form's default day)
            assert await page.input_value('#plan-form input[name="from_day"]') == max(
                today, calendar.school_days[0]).isoformat()
            await page.click("#plan-run")
            await page.wait_for_selector(f'table[data-unit="{unit}"] td[data-state="unplaced"]', timeout=60_000)
            rows = page.locator(f'table[data-unit="{unit}"] tbody tr')
            assert await rows.count() == 2
            planned_b = page.locator(f'tr[data-group="G{marker}B"] td[data-state="planned"]')
            assert await planned_b.count() >= 1
            conflicts = page.locator("#conflicts .conflict")
            open_before = await conflicts.count()
            assert open_before >= 1
            first = conflicts.first
            assert "poissa kierroksen jokaisena päivänä" in await first.text_content()
            meeting_id = await first.get_attribute("data-conflict")
            option = first.locator("button.place[data-counselor]").first
            assert "Oona Ohjaaja" in await option.text_content()
            day, slot = await option.get_attribute("data-day"), await option.get_attribute("data-slot")
            await option.click()
            await page.locator(f'#conflicts [data-conflict="{meeting_id}"]').wait_for(state="detached")
            await page.wait_for_load_state()
            assert await page.locator("#conflicts .conflict").count() == open_before - 1
            cell = page.locator(f'td[data-meeting="{meeting_id}"]')
            assert await cell.get_attribute("data-state") == "planned"
            assert "Oona Ohjaaja" in (await cell.get_attribute("title") or "")
            # a sick day: the other group's round 2 moves from the grid to the next school day, 14:30
            moved_id = f"grp-G{marker}B-{year}-r2"
            before = datetime.fromisoformat(
                (await client.get(f"/meetings/{moved_id}", headers=director)).json()["starts_at"])
            new_day = next(d for d in calendar.school_days if d > before.astimezone(calendar.config.zone).date())
            await page.click(f'button.move[data-meeting="{moved_id}"]')
            await page.fill('#move-form input[name="day"]', new_day.isoformat())
            await page.select_option('#move-form select[name="time"]', "14:30")
            await page.click("#move-ok")
            await page.locator(f'td[data-meeting="{moved_id}"]', has_text=new_day.strftime("%d.%m. 14:30")).wait_for()
            SHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SHOTS / "plan-overview.png"))
            await page.screenshot(path=str(SHOTS / "plan-overview-full.png"), full_page=True)
            assert signed_in.errors == []

        # the counselor subscribes to their feed; the resolved round is in it at the chosen time
        mine = auth_headers(Role.COUNSELOR, staff_oid=counselor, unit_ids=[unit])
        made = await client.post(f"/calendar/{counselor}/feed", headers=mine)
        assert made.status_code == 201, made.text
        feed = await client.get("/" + made.json()["url"].split("/", 3)[3])
        assert feed.status_code == 200
        events = {str(e["uid"]).split("@")[0]: e for e in Calendar.from_ical(feed.content).walk("VEVENT")}
        assert meeting_id in events
        starts = events[meeting_id].decoded("dtstart").astimezone(calendar.config.zone)
        assert (starts.date().isoformat(), starts.strftime("%H:%M")) == (day, slot)
        moved = events[moved_id]
        assert moved.decoded("dtstart").astimezone(calendar.config.zone).strftime("%Y-%m-%d %H:%M") == \
            f"{new_day.isoformat()} 14:30"
        assert int(moved["sequence"]) == 1

        def ours(records):
            out = []
            for rec in records:
                body = body_of(rec)
                if body.get("meeting_id") in (meeting_id, moved_id):
                    out.append(body)
            return out

        def both(records):
            return {(b["meeting_id"], b["event_type"]) for b in ours(records)} >= {
                (meeting_id, "meeting-scheduled"), (moved_id, "meeting-rescheduled")}

        published = ours(await read_topic(stack, stack.naming.name(MEETING_SCHEDULE), both, timeout_s=60))
    placed = next(b for b in published if b["meeting_id"] == meeting_id and b["event_type"] == "meeting-scheduled")
    assert counselor in {p["person_oid"] for p in placed["participants"]}
    assert away_counselor not in {p["person_oid"] for p in placed["participants"]}
    assert placed["rounds_in_year"] == 5
    rescheduled = [b for b in published if b["meeting_id"] == moved_id and b["event_type"] == "meeting-rescheduled"]
    assert [b["sequence"] for b in rescheduled] == [1] and rescheduled[0]["reason_code"] == "staff-absent"
