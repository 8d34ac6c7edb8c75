"""One flow, end to end in Chromium on the real stack (Kafka, FerretDB; scheduler, meetings,
referrals and reporting services): a group meeting's checklist refers a student to the curator →
the curator accepts in the inbox, the scheduler has planned the student-level meeting → the
curator records it with the student present and closes the referral in the same step → the
counselor who referred sees the outcome → the education manager's report counts it closed.

The student meeting lies on a coming school day, so the meetings service runs with a completion
window of two weeks (``HOKS_MEETINGS_COMPLETE_EARLY_MINUTES``); the rule itself is unit-tested.
Screenshots: ``docs/screenshots/referral-flow-*.png``."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from hoks_meetings.main import build as build_meetings
from hoks_referrals.main import build as build_referrals
from hoks_referrals.adapters.settings import ReferralSettings
from hoks_reporting.main import build as build_reporting
from hoks_scheduler.main import build as build_scheduler
from hoks_shared.contracts import meetings, sis
from hoks_testing import samples
from hoks_testing.auth import auth_headers, token_for
from hoks_testing.browser import chromium_available, launch_chromium
from hoks_testing.http_server import free_port, serve
from tests.integration.conftest import eventually, producer, running
from tests.integration.test_meetings_browser import publish

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not chromium_available(), reason="no Chromium on this machine")]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def academic_year(day: date) -> str:
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


def sis_feed(unit: str, group: str, people: dict[str, str], students: dict[str, str], today: date) -> list:
    events: list = [sis.GroupUpserted(
        source_version=1, group_id=group, code=group, unit_id=unit, unit_name="Tekniikka E2E", study_type="pt",
        start_date=today - timedelta(days=400), planned_end_date=today + timedelta(days=700),
        responsible_teacher_oids=[people["teacher"]], counselor_oid=people["counselor"],
        curator_oid=people["curator"])]
    names = {"counselor": ("Olli Ohjaaja", "counselor"), "teacher": ("Vilma Vastuu", "responsible-teacher"),
             "curator": ("Kaisa Kuraattori", "curator"), "manager": ("Paula Päällikkö", "education-manager")}
    events += [sis.StaffUpserted(source_version=1, staff_oid=people[k], display_name=n, roles=[r], unit_ids=[unit])
               for k, (n, r) in names.items()]
    for i, (student, name) in enumerate(students.items()):
        right = f"1.2.246.562.15.{80000000000 + int(student.rsplit('.', 1)[1]) % 10**9}"
        events += [
            sis.StudentUpserted(source_version=1, student_oid=student, group_id=group, study_type="pt",
                                responsible_teacher_oid=people["teacher"], unit_id=unit, display_name=name),
            sis.HoksUpdated(source_version=1, hoks_id=f"hoks-{group}-{i}", student_oid=student, study_right_oid=right,
                            first_approved=today - timedelta(days=400), planned_points=180,
                            updated_at=datetime.now(UTC) - timedelta(days=30),
                            target_completion_date=today + timedelta(days=700)),
            sis.StudyRightStatus(source_version=1, study_right_oid=right, student_oid=student, completed_points=80,
                                 periods=[{"start": today - timedelta(days=400), "state": "lasna"}]),
        ]
    return events


async def test_group_meeting_to_curator_to_student_meeting_to_outcome_to_report(stack, monkeypatch):
    from playwright.async_api import async_playwright

    monkeypatch.setenv("HOKS_AUTH_MODE", "dev")
    monkeypatch.setenv("HOKS_MEETINGS_COMPLETE_EARLY_MINUTES", str(14 * 24 * 60))
    tag = uuid.uuid4().hex[:6]
    unit, group = f"unit-e2e-{tag}", f"E2E{tag}"
    people = {k: samples.oid() for k in ("counselor", "teacher", "curator", "manager")}
    s1, s2 = samples.oid(), samples.oid()
    now = datetime.now(UTC)
    today = now.date()
    year = academic_year(today)
    group_meeting = meetings.MeetingScheduled(
        meeting_id=f"mtg-{group}", kind="group", unit_id=unit, group_id=group, academic_year=year, round=1,
        theme="study-progress", responsible_teacher_oid=people["teacher"], rounds_in_year=5,
        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=35),
        participants=[{"person_oid": people["counselor"], "role": "counselor"},
                      {"person_oid": people["teacher"], "role": "responsible-teacher"}])

    async with running(build_scheduler, stack.settings("scheduler")) as sch, \
            running(build_meetings, stack.settings("meetings")) as mt, \
            running(lambda s: build_referrals(s, ReferralSettings(overdue_check_seconds=3600)),
                    stack.settings("referrals")) as ref, \
            running(build_reporting, stack.settings("reporting")) as rep, producer(stack) as p:
        for event in sis_feed(unit, group, people, {s1: "Aino Aalto", s2: "Bertta Berg"}, today):
            await publish(p, stack, event)
        await publish(p, stack, group_meeting)
        await eventually(lambda: mt.db.meetings.find_one({"_id": group_meeting.meeting_id}), what="meeting stored")

        async def views_ready():
            return (await mt.db.sis_students.count_documents({"group_id": group}) == 2
                    and await sch.db.sis_students.count_documents({"group_id": group}) == 2
                    and await sch.db.sis_groups.find_one({"_id": group}) is not None
                    and await ref.db.sis_staff.find_one({"_id": people["curator"]}) is not None
                    and await rep.db.sis_students.count_documents({}) >= 2)
        await eventually(views_ready, timeout_s=90, what="SIS views of every service filled")

        servers = {}
        for name, rt in (("meetings", mt), ("referrals", ref), ("reporting", rep)):
            port = free_port()
            servers[name] = (f"http://127.0.0.1:{port}", *await serve(rt.http, port))
        base = {k: v[0] for k, v in servers.items()}
        try:
            async with async_playwright() as pw:
                browser = await launch_chromium(pw)
                context = await browser.new_context(viewport={"width": 1366, "height": 768}, locale="fi-FI")
                errors: list[str] = []

                async def sign_in(who: str, role: str):
                    await context.clear_cookies()
                    await context.add_cookies([{"name": "hoks_session", "url": url, "value": token_for(
                        role, staff_oid=people[who], unit_ids=[unit], name=who)} for url in base.values()])
                    page = await context.new_page()
                    page.on("pageerror", lambda exc: errors.append(str(exc)))
                    return page

                # 1. the counselor fills in the group meeting: Aino to the curator
                page = await sign_in("counselor", "counselor")
                await page.goto(f"{base['meetings']}/ui/meetings/{group_meeting.meeting_id}")
                row = {s: page.locator(f'tr[data-student="{s}"]') for s in (s1, s2)}
                start_link = row[s2].locator("a", has_text="Opiskelijakohtainen palaveri")
                assert await start_link.get_attribute("href") == \
                    f"http://127.0.0.1:8103/ui/referrals/new?student_oid={s2}"  # the configured referrals page
                await row[s1].locator('[data-field="referral_target"]').select_option("curator")
                await row[s1].locator(".state", has_text="Tallennettu").wait_for()
                for s in (s1, s2):
                    await row[s].locator('[data-field="hoks_checked"]').focus()
                    await page.keyboard.press("Enter")
                await page.wait_for_function("() => document.querySelectorAll('tr.confirmed').length === 2")
                await page.screenshot(path=str(SHOTS / "referral-flow-group-meeting.png"), full_page=True)
                await page.click("#complete")
                await page.locator("#message", has_text="pidetyksi").wait_for()

                # 2. the teacher starts a student-level meeting for Bertta from the pages (her own request)
                page = await sign_in("teacher", "responsible-teacher")
                await page.goto(f"{base['referrals']}/ui/referrals/new?student_oid={s2}")
                await page.select_option('select[name="reason_code"]', "student-request")
                await page.check('input[name="origin"][value="student"]')
                await page.screenshot(path=str(SHOTS / "referral-flow-new.png"), full_page=True)
                await page.click('form#new-referral button[type="submit"]')
                await page.wait_for_url("**/ui/referrals?view=made")
                requested = await eventually(lambda: ref.db.referrals.find_one({"student_oid": s2}), what="request")
                assert (requested["target"], requested["origin"], requested["assignee_oid"]) == \
                    ("student-meeting", "student", people["teacher"])
                await eventually(lambda: mt.db.meetings.find_one({"_id": f"stu-{requested['_id']}"}), timeout_s=60,
                                 what="the requested student meeting scheduled like a referral's")

                # 3. routed to the curator; the scheduler plans the student-level meeting
                referral = await eventually(lambda: ref.db.referrals.find_one({"student_oid": s1}), what="referral")
                assert (referral["target"], referral["assignee_oid"], referral["reason_code"]) == \
                    ("curator", people["curator"], "welfare")
                student_meeting = f"stu-{referral['_id']}"
                await eventually(lambda: mt.db.meetings.find_one({"_id": student_meeting}), timeout_s=60,
                                 what="the student-level meeting planned and known to the meetings service")

                # 4. the curator accepts in the inbox and records the meeting, closing the referral
                page = await sign_in("curator", "curator")
                await page.goto(f"{base['referrals']}/ui/referrals")
                inbox_row = page.locator(f'tr[data-referral="{referral["_id"]}"]')
                await inbox_row.locator("button[data-action=accept]").click()
                await page.locator(f'tr[data-referral="{referral["_id"]}"] button[data-action=accept]').wait_for(
                    state="detached")
                await page.goto(f"{base['meetings']}/ui/meetings/{student_meeting}")
                assert await page.locator('#student-record select[name="hoks_update"]').is_enabled()
                await page.locator(f'#attendance input[data-person="{s1}"]').check()
                await page.select_option('#student-record select[name="hoks_update"]', "support-measures-changed")
                action = page.locator("#student-record tr.action").first
                await action.locator('[name="action_code"]').select_option("support-lessons")
                await action.locator('[name="owner_oid"]').select_option(people["curator"])
                await action.locator('[name="due_date"]').fill((today + timedelta(days=21)).isoformat())
                await page.select_option('#student-record select[name="referral_outcome"]', "support-arranged")
                await page.click("#save-record")
                await page.locator("#message", has_text="✓").wait_for()
                await page.screenshot(path=str(SHOTS / "referral-flow-student-meeting.png"), full_page=True)
                await page.click("#complete")
                await page.locator("#message", has_text="pidetyksi").wait_for()
                closed = await eventually(
                    lambda: ref.db.referrals.find_one({"_id": referral["_id"], "status": "closed"}),
                    what="the referral closed by the student meeting")
                assert (closed["outcome_code"], closed["closed_by_oid"]) == ("handed-over", people["curator"])

                # 5. the counselor who referred sees the outcome
                page = await sign_in("counselor", "counselor")
                await page.goto(f"{base['referrals']}/ui/referrals?view=made")
                made_row = page.locator(f'tr[data-referral="{referral["_id"]}"]')
                await made_row.wait_for()
                assert "siirretty hyvinvointipalveluille" in await made_row.inner_text()
                assert "suljettu" in await made_row.inner_text()
                await page.screenshot(path=str(SHOTS / "referral-flow-outcome.png"), full_page=True)

                # 6. the manager's report counts it closed
                manager = auth_headers("education-manager", staff_oid=people["manager"], unit_ids=[unit])
                async with httpx.AsyncClient(base_url=base["reporting"]) as http:
                    async def counted():
                        r = await http.get(f"/reports/units/{unit}", params={"year": year, "round": 1},
                                           headers=manager)
                        return r.json() if r.status_code == 200 and r.json()["total"]["referrals_closed"] == 1 \
                            else None
                    report = await eventually(counted, timeout_s=60, what="the report counts the referral closed")
                assert report["total"]["referrals_open"] == 1  # Bertta's own request, still open
                page = await sign_in("manager", "education-manager")
                response = await page.goto(f"{base['reporting']}/ui/reports/units/{unit}?year={year}&round=1")
                assert response is not None and response.status == 200
                await page.screenshot(path=str(SHOTS / "referral-flow-report.png"), full_page=True)
                assert errors == []
                await browser.close()
        finally:
            for _url, server, task in servers.values():
                server.should_exit = True
                await task
