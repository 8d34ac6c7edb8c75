"""End to end on the real stack, in a real browser: a scheduled meeting → the checklist filled in
through the web page in headless Chromium → ``checklist-completed`` on Kafka → the referral it
decided reaches the referrals service, which publishes ``referral-made``.

The screenshot of the filled-in meeting page is written to ``docs/screenshots/meeting-page.png``.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from hoks_meetings.main import build as build_meetings
from hoks_referrals.main import build as build_referrals
from hoks_shared.contracts import sis
from hoks_shared.contracts.envelope import envelope_for
from hoks_testing import samples
from hoks_testing.auth import token_for
from hoks_testing.browser import chromium_available, launch_chromium
from hoks_testing.http_server import free_port, serve
from hoks_shared.topics import MEETING_OUTCOMES, REFERRALS, topic_of
from tests.integration.conftest import eventually, producer, read_topic, running, send

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not chromium_available(), reason="no Chromium on this machine")]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "meeting-page.png"
S1, S2, S3 = (samples.oid() for _ in range(3))
NAMES = {S1: "Aino Aalto", S2: "Bertta Berg", S3: "Cecilia Ek"}


def sis_feed(group_id: str, today: date) -> list:
    events: list = [samples.group_upserted(group_id=group_id, code=group_id)]
    events += [sis.StaffUpserted(source_version=1, staff_oid=oid, display_name=name, roles=[role], unit_ids=["unit-tech"])
               for oid, name, role in ((samples.COUNSELOR, "Olli Ohjaaja", "counselor"),
                                       (samples.TEACHER, "Vilma Vastuu", "responsible-teacher"),
                                       (samples.SPECIAL_NEEDS, "Erkki Erityinen", "special-needs-teacher"))]
    for i, student in enumerate((S1, S2, S3)):
        right = f"1.2.246.562.15.{70000000000 + int(student.rsplit('.', 1)[1]) % 10**9}"
        events += [
            sis.StudentUpserted(source_version=1, student_oid=student, group_id=group_id, study_type="pt",
                                responsible_teacher_oid=samples.TEACHER, unit_id="unit-tech",
                                display_name=NAMES[student]),
            sis.HoksUpdated(source_version=1, hoks_id=f"hoks-{group_id}-{i}", student_oid=student,
                            study_right_oid=right, first_approved=today - timedelta(days=400),
                            updated_at=datetime.now(UTC) - timedelta(days=30), planned_points=180,
                            target_completion_date=today + timedelta(days=700)),
            sis.StudyRightStatus(source_version=1, study_right_oid=right, student_oid=student,
                                 periods=[{"start": today - timedelta(days=400), "state": "lasna"}],
                                 completed_points=10 if student == S2 else 80),
        ]
    events += [sis.AbsenceRecorded(source_version=1, absence_id=f"abs-{group_id}-{d}", student_oid=S3,
                                   day=today - timedelta(days=d), hours=6) for d in range(1, 15)]
    return events


async def publish(p, stack, event) -> None:
    meta = envelope_for(event, source="/it", event_id=str(uuid.uuid4()))
    await send(p, stack.naming.name(topic_of(event)), event.model_dump_json().encode(), event.partition_key(),
               meta.to_headers())


async def test_checklist_filled_in_chromium_reaches_kafka_and_the_referrals_service(stack, monkeypatch):
    from playwright.async_api import async_playwright

    monkeypatch.setenv("HOKS_AUTH_MODE", "dev")
    group_id = f"G{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    meeting = samples.meeting_scheduled(meeting_id=f"mtg-{group_id}", group_id=group_id, theme="study-progress",
                                        starts_at=now + timedelta(minutes=5), ends_at=now + timedelta(minutes=50))
    async with running(build_meetings, stack.settings("meetings")) as rt, \
            running(build_referrals, stack.settings("referrals")) as ref_rt, producer(stack) as p:
        for event in [*sis_feed(group_id, now.date()), meeting]:
            await publish(p, stack, event)
        await eventually(lambda: rt.db.meetings.find_one({"_id": meeting.meeting_id}), what="meeting stored")

        async def sis_ready():
            docs = [d async for d in rt.db.sis_students.find({"group_id": group_id})]
            return len(docs) == 3 and all("hoks" in d and d.get("study_rights") for d in docs) \
                and any(d.get("absences") for d in docs)

        await eventually(sis_ready, timeout_s=60, what="SIS views filled")
        await eventually(lambda: rt.db.sis_staff.find_one({"_id": samples.SPECIAL_NEEDS}), what="staff view filled")
        port = free_port()
        server, task = await serve(rt.http, port)
        base = f"http://127.0.0.1:{port}"
        try:
            async with async_playwright() as pw:
                browser = await launch_chromium(pw)
                context = await browser.new_context(viewport={"width": 1500, "height": 900}, locale="fi-FI")
                await context.add_cookies([{"name": "hoks_session", "url": base, "value": token_for(
                    "counselor", staff_oid=samples.COUNSELOR, unit_ids=["unit-tech"], name="Olli Ohjaaja")}])
                page = await context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                await page.goto(f"{base}/ui/meetings")
                await page.click(f'a[href="/ui/meetings/{meeting.meeting_id}"]')
                await page.wait_for_selector("#checklist tbody tr[data-student]")
                rows = page.locator("#checklist tbody tr[data-student]")
                assert await rows.count() == 3
                assert "Vilma Vastuu" in await page.text_content("#attendance")
                assert [await rows.nth(i).get_attribute("data-student") for i in range(3)] == [S1, S2, S3]
                row = {s: page.locator(f'tr[data-student="{s}"]') for s in (S1, S2, S3)}
                # the data's suggestions are prefilled: S2 is behind its plan, S3 absent a lot
                assert not await row[S2].locator('[data-field="progressing"]').is_checked()
                assert await row[S2].locator('[data-field="outcome"]').input_value() == "hoks-update"
                assert await row[S3].locator('[data-field="referral_target"]').input_value() == "student-meeting"

                # keyboard: Enter confirms a row and moves to the next student
                await row[S1].locator('[data-field="hoks_checked"]').focus()
                await page.keyboard.press("Enter")
                await row[S1].locator(".state", has_text="Tallennettu").wait_for()
                assert await page.evaluate("document.activeElement.closest('tr').dataset.student") == S2
                # referral in one action: choosing the target makes the outcome a referral
                await row[S2].locator('[data-field="referral_target"]').select_option("special-needs-teacher")
                await row[S2].locator(".state", has_text="Tallennettu").wait_for()
                assert await row[S2].locator('[data-field="outcome"]').input_value() == "referral"
                await row[S3].locator('[data-field="hoks_checked"]').focus()
                await page.keyboard.press("Space")  # override a suggestion from the keyboard (autosaved)
                await page.keyboard.press("Enter")
                await page.wait_for_function("() => document.querySelectorAll('tr.confirmed').length === 3")
                assert await page.text_content("#confirmed-count") == "3"
                SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(SCREENSHOT), full_page=True)

                await page.click("#complete")
                await page.locator("#message", has_text="pidetyksi").wait_for()
                assert errors == []
                await browser.close()
        finally:
            server.should_exit = True
            await task

        def mine(records, event_type):
            out = []
            for r in records:
                body = json.loads(r.value)
                if body.get("event_type") == event_type and body.get("meeting_id", body.get("origin_meeting_id")) \
                        == meeting.meeting_id:
                    out.append(body)
            return out

        outcomes = await read_topic(stack, stack.naming.name(MEETING_OUTCOMES),
                                    lambda rs: mine(rs, "checklist-completed") and mine(rs, "meeting-held"))
        completed = mine(outcomes, "checklist-completed")
        assert len(completed) == 1
        body = completed[0]
        by_student = {r["student_oid"]: r for r in body["rows"]}
        assert set(by_student) == {S1, S2, S3}
        assert by_student[S2]["referral"] == {"target": "special-needs-teacher", "reason_code": "study-skills"}
        assert "points-behind-plan" in by_student[S2]["suggestions"]
        assert "outcome" in by_student[S2]["overridden"]
        assert by_student[S3]["overridden"][0] == "hoks-checked"
        assert by_student[S3]["referral"]["target"] == "student-meeting"
        assert body["completed_by_oid"] == samples.COUNSELOR
        wire = json.dumps([body, *mine(outcomes, "meeting-held")])
        assert not any(name in wire for name in NAMES.values())  # names stay on the page

        made = await read_topic(stack, stack.naming.name(REFERRALS),
                                lambda rs: len(mine(rs, "referral-made")) >= 2)
        referred = {m["student_oid"]: m for m in mine(made, "referral-made")}
        assert set(referred) == {S2, S3}
        assert referred[S2]["target"] == "special-needs-teacher"
        assert referred[S2]["origin"] == "group-meeting"
        assert await ref_rt.db.referrals.count_documents({"origin_meeting_id": meeting.meeting_id}) == 2
        doc = await rt.db.meetings.find_one({"_id": meeting.meeting_id})
        assert doc["status"] == "held"
    assert SCREENSHOT.stat().st_size > 10_000
