"""The calendar feed from the schedule page, in Chromium on the real store: a teacher creates an
address (shown once), a calendar client reads it without any session, a new address ends the old
one, turning the feed off ends the new one; the page's script runs under the CSP (no violations)."""

from __future__ import annotations

import httpx
import pytest

from hoks_scheduler.main import build as build_scheduler
from hoks_testing import samples
from hoks_testing.auth import token_for
from hoks_testing.browser import chromium_available, signed_in_page
from tests.integration.conftest import running

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not chromium_available(), reason="no Chromium on this machine")]


async def test_create_replace_and_turn_off_the_feed_address(stack, monkeypatch) -> None:
    monkeypatch.setenv("HOKS_AUTH_MODE", "dev")
    teacher = samples.oid()
    session = token_for("responsible-teacher", staff_oid=teacher, unit_ids=["unit-feed"], name="Vilma V")
    async with running(build_scheduler, stack.settings("scheduler")) as rt, \
            signed_in_page(rt.http, session, locale="en-GB") as signed:
        page, base = signed.page, signed.base
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        await page.goto(f"{base}/ui/schedule?lang=en")
        assert "no valid calendar address" in await page.locator("#feed-state").inner_text()
        assert await page.locator("#feed-revoke").is_hidden()

        async def new_address(previous: str = "") -> str:
            await page.locator("#feed-create").click()
            await page.wait_for_function("p => document.getElementById('feed-url').value && "
                                         "document.getElementById('feed-url').value !== p", arg=previous)
            return await page.locator("#feed-url").input_value()

        first = await new_address()
        assert first.startswith("http://127.0.0.1:8101/calendar/" + teacher + ".ics?token=")
        path = "/" + first.split("/", 3)[3]
        async with httpx.AsyncClient(base_url=base) as calendar_client:  # no cookie, no bearer
            feed = await calendar_client.get(path)
            assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR")
            second = await new_address(first)
            assert second != first and (await calendar_client.get(path)).status_code == 403
            new_path = "/" + second.split("/", 3)[3]
            assert (await calendar_client.get(new_path)).status_code == 200
            await page.locator("#feed-revoke").click()
            await page.locator("#feed-new").wait_for(state="hidden")
            assert (await calendar_client.get(new_path)).status_code == 403
        await page.reload()
        assert "no valid calendar address" in await page.locator("#feed-state").inner_text()
        assert await rt.db.calendar_feeds.count_documents({}) == 0
        assert violations == [] and signed.errors == []
