"""The specialist's inbox in a real browser on the real stack: a referral from a checklist shows
in the special-needs teacher's inbox (overdue first), "accept and close" with an outcome code in
one action, the row leaves the inbox, ``referral-accepted`` and ``referral-closed`` reach Kafka and
the referrer sees the outcome. The screenshot is written to ``docs/screenshots/referrals-inbox.png``."""

from __future__ import annotations

import asyncio

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hoks_referrals.main import build as build_referrals
from hoks_referrals.adapters.settings import ReferralSettings
from hoks_shared.contracts.sis import StaffUpserted, StudentUpserted
from hoks_testing import samples
from hoks_testing.auth import token_for
from hoks_testing.browser import chromium_available, launch_chromium
from hoks_shared.topics import MEETING_OUTCOMES, REFERRALS, SIS_STAFF, SIS_STUDENTS
from tests.integration.conftest import eventually, producer, read_topic, running
from tests.integration.test_meetings_browser import free_port, serve
from tests.integration.test_referrals_flow import publish

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not chromium_available(), reason="no Chromium on this machine")]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "referrals-inbox.png"
UNIT = "unit-ui"


@pytest.fixture(autouse=True)
def dev_auth(monkeypatch):
    monkeypatch.setenv("HOKS_AUTH_MODE", "dev")


async def test_accept_and_close_from_the_inbox_page(stack):
    from playwright.async_api import async_playwright

    specialist, counselor, teacher = (samples.oid() for _ in range(3))
    late_student, fresh_student = samples.oid(), samples.oid()
    now = datetime.now(UTC)
    async with running(lambda s: build_referrals(s, ReferralSettings(overdue_check_seconds=0.5)),
                       stack.settings("referrals")) as rt, producer(stack) as p:
        await publish(p, stack, SIS_STAFF, StaffUpserted(source_version=1, staff_oid=specialist,
                                                         display_name="Erja Erityis", roles=["special-needs-teacher"],
                                                         unit_ids=[UNIT]))
        for student, name in ((late_student, "Aino Aalto"), (fresh_student, "Bertta Berg")):
            await publish(p, stack, SIS_STUDENTS, StudentUpserted(
                source_version=1, student_oid=student, group_id="UI1", study_type="pt",
                responsible_teacher_oid=teacher, unit_id=UNIT, display_name=name))
        await eventually(lambda: rt.db.sis_staff.find_one({"_id": specialist}), what="staff view")
        await eventually(lambda: rt.db.sis_students.count_documents({"group_id": "UI1"}), what="students view")
        for student, completed in ((fresh_student, now), (late_student, now - timedelta(days=30))):
            await publish(p, stack, MEETING_OUTCOMES, samples.checklist_completed(
                meeting_id=f"mtg-{uuid.uuid4().hex[:10]}", unit_id=UNIT, completed_by_oid=counselor,
                counselor_oid=counselor, completed_at=completed,
                rows=[samples.checklist_row(student, outcome="referral",
                                            referral={"target": "special-needs-teacher", "reason_code": "study-skills"})]))
        await eventually(lambda: rt.db.referrals.find_one({"student_oid": late_student, "overdue": True}),
                         what="the old referral flagged overdue")
        await eventually(lambda: rt.db.referrals.find_one({"student_oid": fresh_student}), what="the new referral")
        # the half-second SLA pass keeps running while the page writes the same documents
        # (tests/integration/test_store_races.py races them by the hundred)

        port = free_port()
        server, task = await serve(rt.http, port)
        base = f"http://127.0.0.1:{port}"
        try:
            async with async_playwright() as pw:
                browser = await launch_chromium(pw)
                context = await browser.new_context(viewport={"width": 1280, "height": 640}, locale="fi-FI")
                await context.add_cookies([{"name": "hoks_session", "url": base, "value": token_for(
                    "special-needs-teacher", staff_oid=specialist, unit_ids=[UNIT], name="Erja Erityis")}])
                page = await context.new_page()
                await page.goto(f"{base}/ui/referrals")
                rows = page.locator("tbody tr")
                assert await rows.count() == 2
                assert "Aino Aalto" in await rows.nth(0).inner_text()  # overdue first
                assert "Myöhässä" in await rows.nth(0).inner_text()
                await page.screenshot(path=str(SCREENSHOT), full_page=True)

                first = rows.nth(0)
                await first.locator("select").select_option("hoks-updated")
                async with page.expect_navigation():
                    await first.locator("button[data-action=close]").click()
                assert await page.locator("tbody tr").count() == 1
                assert "Bertta Berg" in await page.locator("tbody tr").nth(0).inner_text()

                await page.goto(f"{base}/ui/referrals?view=made")  # the specialist made none
                assert await page.locator("tbody tr").count() == 0
                await context.clear_cookies()
                await context.add_cookies([{"name": "hoks_session", "url": base, "value": token_for(
                    "counselor", staff_oid=counselor, unit_ids=[UNIT])}])
                # the referrer sees the outcome (the list may lag the close by a moment: reload a few times)
                for _ in range(40):
                    await page.goto(f"{base}/ui/referrals?view=made&lang=sv")
                    text = await page.locator("tbody").inner_text()
                    if "stängd" in text:
                        break
                    await asyncio.sleep(0.25)
                assert "PUK uppdaterad" in text and "stängd" in text
                await browser.close()
        finally:
            server.should_exit = True
            await task

        def late(records):
            return [json.loads(r.value)["event_type"] for r in records
                    if json.loads(r.value).get("student_oid") == late_student]

        seen = late(await read_topic(stack, stack.naming.name(REFERRALS), lambda rs: "referral-closed" in late(rs)))
    assert {"referral-made", "referral-overdue", "referral-accepted", "referral-closed"} <= set(seen)
