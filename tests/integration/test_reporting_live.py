"""The reporting service on the real Kafka + FerretDB: hand-computed figures through Kafka,
replay equals live, and the education manager's page in headless Chromium."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from hoks_reporting.adapters.replay import end_offsets, live_caught_up, run_replay
from hoks_reporting.adapters.report_store import MongoReportStore
from hoks_reporting.adapters.settings import ReportSettings
from hoks_reporting.handlers import report_reads as reads
from hoks_reporting.handlers.ports import AGGREGATES, ReadDeps
from hoks_reporting.main import build
from hoks_shared.auth import Role
from hoks_testing.http_server import free_port
from hoks_shared.contracts import meetings
from hoks_shared.contracts.envelope import envelope_for
from hoks_shared.contracts.sis import GroupUpserted, StudentUpserted
from hoks_devinfra.manager import ensure_topics
from hoks_testing.auth import auth_headers, token_for
from hoks_testing.browser import chromium_available, launch_chromium
from hoks_shared.topics import topic_of
from hoks_sisfeed.demo.institution import DemoInstitution, DemoSize
from services.reporting.tests.institution import AS_OF, T1, T2, UNIT, YEAR, events as small_institution
from services.reporting.tests.test_report_figures import EXPECTED_T1, EXPECTED_T2
from tests.integration.conftest import Stack, eventually, producer, running, send

pytestmark = pytest.mark.integration
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "reporting-unit-page.png"


async def own_topics(stack: Stack) -> Stack:
    """Topics of this test alone (the session's topics carry other tests' events with the same ids)."""
    mine = Stack(stack.bootstrap, stack.mongodb_url, f"{stack.prefix}rep{uuid.uuid4().hex[:6]}.")
    await ensure_topics(mine.bootstrap, mine.naming)
    return mine


async def publish(stack: Stack, events: list[Any]) -> None:
    async with producer(stack) as p:
        for event in events:
            meta = envelope_for(event, source="/test/reporting")
            await send(p, stack.naming.name(topic_of(event)), event.model_dump_json().encode(),
                       event.partition_key(), meta.to_headers())


def pick(row: dict[str, Any], names: dict[str, int]) -> dict[str, int]:
    return {n: row[n] for n in names}


async def test_hand_computed_figures_through_kafka_and_replay_equals_live(stack):
    mine = await own_topics(stack)
    settings = mine.settings("reporting")
    async with running(build, settings) as rt:
        await publish(mine, small_institution())
        read = ReadDeps(MongoReportStore(rt.db))

        async def figures_match():
            report = await reads.unit_report(reads.UnitPeriod(UNIT, YEAR, 1, AS_OF), read)
            rows = {r["teacher_oid"]: r for r in report["teachers"]}
            return (T1 in rows and T2 in rows and pick(rows[T1], EXPECTED_T1) == EXPECTED_T1
                    and pick(rows[T2], EXPECTED_T2) == EXPECTED_T2)

        await eventually(figures_match, timeout_s=60, what="the report shows the hand-computed figures")

        lines: list[str] = []
        assert await run_replay(settings, ReportSettings(), verify=True, say=lines.append) == 0, lines
        assert any(line.startswith("identical") for line in lines), lines

        # a live view that drifted is caught, with the document and the field named
        store = MongoReportStore(rt.db)
        drifted = (await store.load(AGGREGATES, [f"U|{UNIT}|now"]))[f"U|{UNIT}|now"]
        drifted["totals"]["students"] += 1
        await store.save(AGGREGATES, [drifted])
        lines.clear()
        assert await run_replay(settings, ReportSettings(), verify=True, say=lines.append) == 1
        assert any(f"U|{UNIT}|now" in line and "totals.students" in line for line in lines), lines


def demo_meetings(events: list[Any], unit: str, year: str, seed: int) -> tuple[list[Any], dict[str, dict[str, int]]]:
    """Round 1 of every group of ``unit``: scheduled, held, checklist completed — and the figures
    per teacher counted straight from the rows (the expectation)."""
    rng = random.Random(seed)
    groups = [e for e in events if isinstance(e, GroupUpserted) and e.unit_id == unit]
    members: dict[str, list[str]] = defaultdict(list)
    for e in events:
        if isinstance(e, StudentUpserted):
            members[e.group_id].append(e.student_oid)
    out: list[Any] = []
    expected: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    start = datetime(2026, 9, 14, 9, tzinfo=UTC)
    for i, g in enumerate(groups):
        teacher = g.responsible_teacher_oids[0]
        place = dict(meeting_id=f"demo-{g.group_id}-r1", kind="group", unit_id=unit, group_id=g.group_id,
                     academic_year=year, round=1)
        when = start + timedelta(days=i % 20)
        people = [{"person_oid": g.counselor_oid, "role": "counselor"},
                  {"person_oid": teacher, "role": "responsible-teacher"}]
        out.append(meetings.MeetingScheduled(**place, theme="start-of-studies", responsible_teacher_oid=teacher,
                                             starts_at=when, ends_at=when + timedelta(minutes=45), participants=people))
        present = [{"person_oid": g.counselor_oid, "role": "counselor", "present": True}]
        out.append(meetings.MeetingHeld(**place, theme="start-of-studies", held_on=when.date(),
                                        responsible_teacher_oid=teacher, attendance=present))
        rows = []
        for student in members[g.group_id]:
            committed, progressing = rng.random() > 0.1, rng.random() > 0.2
            outcome = "hoks-update" if not progressing else "no-action"
            rows.append({"student_oid": student, "hoks_checked": True, "measures_taken": committed,
                         "committed": committed, "progressing": progressing, "outcome": outcome})
            e = expected[teacher]
            e["students_checked"] += 1
            e["committed"] += committed
            e["progressing"] += progressing
            e["hoks_update_needed"] += not progressing
        expected[teacher]["group_meetings_held"] += 1
        for chunk in range(0, len(rows), 200):
            out.append(meetings.ChecklistCompleted(
                **place, theme="start-of-studies", responsible_teacher_oid=teacher, counselor_oid=g.counselor_oid,
                completed_by_oid=g.counselor_oid, completed_at=when + timedelta(minutes=40),
                rows=rows[chunk:chunk + 200]))
    return out, {t: dict(v) for t, v in expected.items()}


@pytest.mark.skipif(not chromium_available(), reason="Debian's chromium is not installed")
async def test_demo_institution_meetings_completed_then_the_managers_page_shows_the_figures(stack, monkeypatch):
    import uvicorn
    from playwright.async_api import async_playwright

    monkeypatch.setenv("HOKS_AUTH_MODE", "dev")
    mine = await own_topics(stack)
    as_of = date(2026, 11, 28)
    demo = DemoInstitution(DemoSize.scaled(300, seed=7, as_of=as_of))
    sis_events = list(demo.events())
    unit = next(e.unit_id for e in sis_events if isinstance(e, GroupUpserted))
    year = "2026-2027"
    meeting_events, expected = demo_meetings(sis_events, unit, year, seed=7)
    manager = next((e for e in sis_events if getattr(e, "roles", None) == ["education-manager"]
                    and unit in e.unit_ids), None)
    manager_oid = manager.staff_oid if manager else "1.2.246.562.24.99999999002"
    headers = auth_headers(Role.EDUCATION_MANAGER, staff_oid=manager_oid, unit_ids=[unit])
    query = f"year={year}&round=1&as_of={as_of.isoformat()}"

    async with running(build, mine.settings("reporting")) as rt:
        await publish(mine, sis_events + meeting_events)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(rt.http, host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="off"))
        serving = asyncio.create_task(server.serve())
        base = f"http://127.0.0.1:{port}"
        try:
            while not server.started:
                await asyncio.sleep(0.05)
            async with httpx.AsyncClient(base_url=base, headers=headers) as client:
                async def all_checked():
                    r = await client.get(f"/reports/units/{unit}?{query}")
                    rows = {row["teacher_oid"]: row for row in r.json()["teachers"]} if r.status_code == 200 else {}
                    return all(t in rows and pick(rows[t], e) == e for t, e in expected.items())

                await eventually(all_checked, timeout_s=120, what="every group's round-1 checklist in the report")

            async with async_playwright() as p:
                browser = await launch_chromium(p)
                context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fi-FI")
                await context.add_cookies([{"name": "hoks_session", "url": base,
                                            "value": token_for(Role.EDUCATION_MANAGER, staff_oid=manager_oid,
                                                               unit_ids=[unit], name="Koulutuspäällikkö Demo")}])
                page = await context.new_page()
                await page.goto(f"{base}/ui/reports/units/{unit}?{query}")
                assert "Yhteenvetoraportti vastuuopettajittain" in await page.content()
                for teacher, figures in expected.items():
                    row = page.locator(f'tr[data-teacher="{teacher}"]')
                    for name, value in figures.items():
                        cell = row.locator(f'td[data-figure="{name}"]')
                        assert int(await cell.inner_text()) == value, (teacher, name)
                total = page.locator('tr[data-teacher="total"] td[data-figure="students_checked"]')
                assert int(await total.inner_text()) == sum(e["students_checked"] for e in expected.values())
                assert await page.locator("#teacher-chart svg rect").count() >= 3 * len(expected)
                SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(SCREENSHOT), full_page=True)

                # drill-down: teacher → group → students, with names for the manager
                teacher = sorted(expected)[0]
                await page.locator(f'tr[data-teacher="{teacher}"] a').first.click()
                await page.wait_for_selector("#group-table")
                await page.locator("#group-table tbody tr[data-group] a").first.click()
                await page.wait_for_selector("#student-table")
                shown = await page.locator("#student-table tbody tr").count()
                assert shown > 0
                first_cell = await page.locator("#student-table tbody tr td").first.inner_text()
                assert not first_cell.startswith("1.2.246.562.")  # a name, not an OID, for the manager

                await page.goto(f"{base}/ui/reports/units/{unit}?{query}&lang=sv")
                assert "Sammanfattande rapport per ansvarig lärare" in await page.content()
                await browser.close()
        finally:
            server.should_exit = True
            await serving


async def test_the_same_checklist_delivered_twice_counts_once(stack):
    mine = await own_topics(stack)
    rows = [{"student_oid": f"1.2.246.562.24.5{i:010d}", "hoks_checked": True, "measures_taken": True,
             "committed": True, "progressing": i != 0, "outcome": "no-action"} for i in range(2)]
    event = meetings.ChecklistCompleted(
        meeting_id="twice-1", kind="group", unit_id="unit-twice", group_id="TW1", academic_year=YEAR, round=1,
        theme="start-of-studies", responsible_teacher_oid=T1, counselor_oid=T2, completed_by_oid=T2,
        completed_at=datetime(2026, 9, 14, 10, tzinfo=UTC), rows=rows)
    async with running(build, mine.settings("reporting")) as rt:
        await publish(mine, [event, event])  # two deliveries, two envelope ids

        async def both_handled():
            value = rt.metrics.registry.get_sample_value
            applied = value("hoks_events_applied_total", {"event_type": "checklist-completed", "result": "applied"})
            stale = value("hoks_events_applied_total", {"event_type": "checklist-completed", "result": "stale"})
            return (applied or 0) + (stale or 0) >= 2 and (applied, stale)

        assert await eventually(both_handled, what="both deliveries handled") == (1, 1)

        # the aggregates follow the entities one hop later (member changes): wait until every stage committed
        settings = mine.settings("reporting")
        assert await live_caught_up(settings, await end_offsets(settings), 60)
        report = await reads.unit_report(reads.UnitPeriod("unit-twice", YEAR, 1, AS_OF),
                                         ReadDeps(MongoReportStore(rt.db)))
    assert [(r["students_checked"], r["progressing"]) for r in report["teachers"]] == [(2, 1)]
